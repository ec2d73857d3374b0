using System.Text.RegularExpressions;
using Orchestration.Config;

namespace Orchestration.Swarm;

/// <summary>
/// The names and labels of a deployment on Docker Swarm. Everything a stack makes carries
/// <see cref="DeploymentLabel"/> (and Docker's own <c>com.docker.stack.namespace</c>), so listing,
/// waiting and removal touch only what is ours.
/// </summary>
public static partial class SwarmNames
{
    public const string DeploymentLabel = "orchestration.deployment";
    public const string ServerLabel = "orchestration.server";
    public const string StackLabel = "com.docker.stack.namespace";
    public const string Gateway = "gateway";
    public const string Network = "backend";

    /// <summary>The stack's name: <c>--stack</c>, else the config file's name (<c>dev-config</c>).</summary>
    public static string Stack(DeploymentConfig config, string? stack) =>
        stack ?? Kubernetes.KubernetesNames.DeploymentName(config).ToLowerInvariant().Replace('.', '-');

    /// <summary>Every reason the deployment cannot become a stack with this name; empty when it can.</summary>
    public static IReadOnlyList<string> Problems(DeploymentConfig config, string stack)
    {
        var problems = new List<string>();
        if (!Name().IsMatch(stack))
            problems.Add($"--stack: '{stack}' is not a stack name. Fix: use lower-case letters, digits, '-' and '_', starting with a letter or digit, at most 40 characters, e.g. --stack orchestration.");
        foreach (var server in config.Servers)
        {
            if (!Name().IsMatch(server.Name))
                problems.Add($"servers.{server.Name}: '{server.Name}' cannot name a Swarm service (lower-case letters, digits, '-' and '_', at most 40 characters). Fix: rename the server.");
            if (server.Name == Gateway)
                problems.Add($"servers.{server.Name}: the name '{Gateway}' is the gateway's service in the stack. Fix: rename the server.");
            if (server.Command is { } command && command.Any(a => a.Contains("{instance}", StringComparison.Ordinal)))
                problems.Add($"servers.{server.Name}.command: {{instance}} has no value on Swarm, where every replica runs the same command. Fix: drop {{instance}} and read INSTANCE_NAME (<service>-<slot>) in the program instead.");
        }
        if (config.Nginx.Tls is not null)
            problems.Add("nginx.tls: a TLS gateway is not exported to Swarm yet. Fix: terminate TLS in front of the stack, or remove nginx.tls from this config for the export.");
        return problems;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,39}$")]
    private static partial Regex Name();
}
