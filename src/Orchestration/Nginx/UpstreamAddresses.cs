using System.Globalization;
using Orchestration.Config;

namespace Orchestration.Nginx;

/// <summary>
/// Where the gateway reaches a server: the <c>server</c> lines of its nginx upstream. The local
/// supervisor's instances are ports on 127.0.0.1; on a cluster a server is one name the platform's
/// DNS resolves (a Kubernetes Service, a Swarm service).
/// </summary>
public interface IUpstreamAddresses
{
    /// <summary>Each <c>server</c> line of the upstream of <paramref name="server"/>, without the directive and the ';'.</summary>
    IReadOnlyList<string> For(ServerConfig server);
}

/// <summary>
/// The local supervisor's instances: <c>127.0.0.1:&lt;port+i&gt;</c> each, plus each instance's spare
/// port as a <c>backup</c> server (see <see cref="NginxRenderOptions.SparePorts"/>).
/// </summary>
public sealed class LocalInstanceAddresses(IReadOnlyDictionary<string, int>? sparePorts) : IUpstreamAddresses
{
    public IReadOnlyList<string> For(ServerConfig server)
    {
        var spares = Enumerable.Range(0, server.Instances)
            .Select(i => sparePorts is { } ports && ports.TryGetValue($"{server.Name}-{i}", out var port) ? port : 0)
            .Where(p => p > 0).ToList();
        var primary = spares.Count == 0 ? "max_fails=1 fail_timeout=5s" : "max_fails=0";
        return Enumerable.Range(0, server.Instances)
            .Select(i => $"127.0.0.1:{Text(server.Port + i)} {primary}")
            .Concat(spares.Select(p => $"127.0.0.1:{Text(p)} backup"))
            .ToList();
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// One address per server, <c>&lt;host&gt;:&lt;port&gt;</c>, where the host is a name the platform
/// resolves to a load balancer over every replica (a Kubernetes Service's cluster IP). nginx resolves
/// it once, when it reads its config; a Service's cluster IP lasts as long as the Service.
/// </summary>
public sealed class ServiceNameAddresses(Func<ServerConfig, string> hostOf) : IUpstreamAddresses
{
    public IReadOnlyList<string> For(ServerConfig server) =>
        [$"{hostOf(server)}:{server.Port.ToString(CultureInfo.InvariantCulture)}"];
}
