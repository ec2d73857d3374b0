using System.Globalization;

namespace Orchestration.Config;

/// <summary>
/// The environment every back end gives an instance of a server: the local supervisor (a process on
/// 127.0.0.1) and a Kubernetes container (a pod of its own) differ only in the name and the address.
/// </summary>
public static class InstanceEnvironment
{
    public const string EnabledModules = "ENABLED_MODULES";
    public const string InstanceName = "INSTANCE_NAME";
    public const string AspNetCoreUrls = "ASPNETCORE_URLS";
    public const string ApiBaseUrl = "API_BASE_URL";
    public const string Port = "PORT";

    /// <summary>The variables in a fixed order, the server's own <c>env</c> last (it may override any of them).</summary>
    /// <param name="config">The deployment.</param>
    /// <param name="server">The server the instance belongs to.</param>
    /// <param name="instanceName">What <c>INSTANCE_NAME</c> says (<c>broker-0</c> locally).</param>
    /// <param name="port">The port the instance listens on.</param>
    /// <param name="listenUrl">What <c>ASPNETCORE_URLS</c> says: the address to bind.</param>
    public static IReadOnlyList<KeyValuePair<string, string>> For(DeploymentConfig config, ServerConfig server, string instanceName, int port, string listenUrl)
    {
        var env = new Dictionary<string, string>
        {
            [EnabledModules] = string.Join(',', server.Modules),
            [InstanceName] = instanceName,
            [AspNetCoreUrls] = listenUrl,
            [ApiBaseUrl] = config.ApiBaseUrl,
            [Port] = port.ToString(CultureInfo.InvariantCulture),
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        foreach (var (key, value) in server.Env) env[key] = value;
        return env.ToList();
    }

    /// <summary>An instance run by the local supervisor: <c>broker-0</c> on <c>http://127.0.0.1:8001</c>.</summary>
    public static Dictionary<string, string> Local(DeploymentConfig config, InstanceSpec instance) =>
        For(config, instance.Server, instance.Name, instance.Port, instance.Url).ToDictionary();
}
