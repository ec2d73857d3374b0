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

    /// <summary>
    /// The DNS server nginx asks at request time (the <c>resolver</c> directive's arguments), or null when the
    /// addresses are fixed when nginx reads its config (<c>upstream</c> blocks).
    /// </summary>
    string? Resolver => null;

    /// <summary>How many addresses one request may try (<c>proxy_next_upstream_tries</c>).</summary>
    int Tries(ServerConfig server) => For(server).Count;
}

/// <summary>
/// The local supervisor's instances: <c>127.0.0.1:&lt;port+i&gt;</c> each, plus each instance's spare
/// port as a <c>backup</c> server (see <see cref="NginxRenderOptions.SparePorts"/>). Neither is ever
/// marked failed (<c>max_fails=0</c>): a request that fails on one moves on to the next at once, and
/// one failure must not take an address out for everyone else. A backup with nginx's default
/// (<c>max_fails=1 fail_timeout=10s</c>) that failed once, on a keepalive connection to an instance
/// that was stopping, answered every request whose primary failed in the next 10 s with 502
/// ("no live upstreams"), though the replacement listened on it.
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
            .Concat(spares.Select(p => $"127.0.0.1:{Text(p)} backup max_fails=0"))
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

/// <summary>
/// One name per server that the platform's DNS resolves to every replica's own address (a Docker Swarm
/// service with <c>endpoint_mode: dnsrr</c>), asked again at request time: replicas come and go with
/// new addresses during a rolling update, and an address nginx read with its config would go stale.
/// nginx then has no <c>upstream</c> block for the server: <c>proxy_pass</c> names a variable holding
/// <c>&lt;host&gt;:&lt;port&gt;</c>, resolved through <see cref="Resolver"/> and cached for its <c>valid</c> time;
/// a request tries the addresses in turn (one per replica, and one more for a replica being replaced).
/// </summary>
public sealed class ResolvedNameAddresses(Func<ServerConfig, string> hostOf, string resolver) : IUpstreamAddresses
{
    public IReadOnlyList<string> For(ServerConfig server) =>
        [$"{hostOf(server)}:{server.Port.ToString(CultureInfo.InvariantCulture)}"];

    public string? Resolver => resolver;

    public int Tries(ServerConfig server) => server.Instances + 1;
}
