using Orchestration.Config;
using Orchestration.Images;
using Orchestration.Nginx;

namespace Orchestration.Swarm;

/// <summary>
/// The gateway's nginx.conf in the stack: the renderer of this machine's gateway, with each server's
/// upstream at its service's name resolved at request time through Docker's embedded DNS
/// (127.0.0.11), since a dnsrr service's name stands for its replicas' own addresses, which change
/// as tasks are replaced. nginx listens on every address of its container and writes its pid and
/// temp files to /tmp, its logs to its standard streams (<c>docker service logs</c>).
/// </summary>
public static class SwarmGateway
{
    public const string RunDirectory = "/tmp";

    /// <summary>How long nginx keeps an answer of Docker's DNS: a replaced task leaves its view within that.</summary>
    public const int ResolverValidSeconds = 2;

    public const string Resolver = "127.0.0.11 valid=2s ipv6=off";

    public static string NginxConf(DeploymentConfig config)
    {
        var inContainer = config with
        {
            LocalDir = RunDirectory,
            Nginx = config.Nginx with { Listen = "0.0.0.0" },
        };
        return NginxConfigRenderer.Render(inContainer, new NginxRenderOptions
        {
            Workers = new NginxWorkers(null, RunDirectory),
            Files = NginxFiles.StandardStreams(RunDirectory),
            Upstreams = new ResolvedNameAddresses(server => server.Name, Resolver),
            // A replica that was just removed may still be in nginx's cached answer, and its address no
            // longer answers at all (no refusal): the next address is tried after 1 s, not 5.
            ConnectTimeout = "1s",
            Origin = $"written by ./build.sh ExportCompose as the stack's Docker config of the gateway.\n" +
                     $"# Runs in the gateway container as {ImagePublisher.GatewayConfigPath}, nginx in the foreground as user {ImagePublisher.NonRootUser}.",
        });
    }
}
