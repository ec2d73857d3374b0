using System.Text.RegularExpressions;
using Orchestration.Config;

namespace Orchestration.Kubernetes;

/// <summary>
/// The names objects get and the checks a deployment must pass before it becomes objects: a server's
/// name is its Deployment's, Service's and container's name, so it must be a DNS label.
/// </summary>
public static partial class KubernetesNames
{
    /// <summary>The gateway's Deployment and Service (and the prefix of its ConfigMap).</summary>
    public const string Gateway = "gateway";

    public const string GatewayConfigMap = "gateway-nginx";

    /// <summary>The Secret holding the gateway's certificate and key when the deployment has <c>nginx.tls</c>.</summary>
    public const string GatewayTlsSecret = "gateway-tls";

    /// <summary>Every reason the deployment cannot be exported with these options; empty when it can.</summary>
    public static IReadOnlyList<string> Problems(DeploymentConfig config, KubernetesExportOptions options)
    {
        var problems = new List<string>();
        if (!Dns1123Label().IsMatch(options.Namespace))
            problems.Add($"--namespace: '{options.Namespace}' is not a namespace name. Fix: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit, e.g. --namespace orchestration.");
        foreach (var server in config.Servers)
        {
            if (!Dns1035Label().IsMatch(server.Name))
                problems.Add($"servers.{server.Name}: '{server.Name}' cannot name a Kubernetes Deployment and Service (a DNS label: lower-case letters, digits and '-', starting with a letter, ending with a letter or digit, at most 63 characters). Fix: rename the server, e.g. servers.{Suggest(server.Name)}.");
            if (options.Gateway == ClusterGateway.Nginx && server.Name == Gateway)
                problems.Add($"servers.{server.Name}: the name '{Gateway}' is the gateway's Deployment and Service on Kubernetes. Fix: rename the server, or export with --ingress nginx (no gateway objects).");
            if (server.Command is { } command && command.Any(a => a.Contains("{instance}", StringComparison.Ordinal)))
                problems.Add($"servers.{server.Name}.command: {{instance}} has no value on Kubernetes: the replicas of a Deployment have no index. Fix: drop {{instance}} from the command and read INSTANCE_NAME (the pod's name) in the program instead.");
        }
        return problems;
    }

    /// <exception cref="KubernetesExportException">The deployment has a problem <see cref="Problems"/> lists.</exception>
    public static void EnsureExportable(DeploymentConfig config, KubernetesExportOptions options)
    {
        var problems = Problems(config, options);
        if (problems.Count > 0) throw new KubernetesExportException(problems);
    }

    /// <summary>A label value naming the deployment: the config file's name without extension (<c>dev-config</c>).</summary>
    public static string DeploymentName(DeploymentConfig config)
    {
        var name = NotLabel().Replace(Path.GetFileNameWithoutExtension(config.ConfigPath), "-");
        name = name.Length > 63 ? name[..63] : name;
        name = name.Trim('-', '_', '.');
        return name.Length == 0 ? "deployment" : name;
    }

    private static string Suggest(string name)
    {
        var fixedName = name.Replace('_', '-').Trim('-');
        return fixedName.Length > 63 ? fixedName[..63].TrimEnd('-') : fixedName;
    }

    [GeneratedRegex("^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex Dns1035Label();

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex NotLabel();
}
