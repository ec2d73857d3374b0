using System.Text;
using Orchestration.Config;

namespace Orchestration.Tests.Support;

/// <summary>
/// nginx with our rendered config in front of real backends: broker (2 instances, core+broker)
/// and datafeed (1 instance, core+datafeed), on ports picked at run time. Everything started
/// here is stopped on dispose, whatever happened.
/// </summary>
public sealed class Gateway : IAsyncDisposable
{
    private readonly TempDir _dir = new();
    private readonly List<EchoBackend> _backends = [];
    private NginxProcess? _nginx;

    private Gateway() { }

    public DeploymentConfig Config { get; private set; } = null!;
    public HttpClient Http { get; private set; } = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };
    public Uri BaseUri => new($"{(Config.Nginx.Tls is null ? "http" : "https")}://127.0.0.1:{Config.Nginx.Port}");

    /// <summary>The folder the config lives in (certificates made for a test go here).</summary>
    public string Folder => _dir.Path;

    /// <summary>Accepts exactly the gateway's own certificate (nginx.tls), as a client that pinned it.</summary>
    public System.Net.Security.RemoteCertificateValidationCallback TrustGateway
    {
        get
        {
            using var trusted = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(Config.Nginx.Tls!.Certificate));
            var thumbprint = trusted.Thumbprint;
            return (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == thumbprint;
        }
    }
    public IReadOnlyList<EchoBackend> Backends => _backends;

    /// <summary>A free port the test may use (a plain-HTTP redirect listener, say): "{spare}" in nginxExtra.</summary>
    public int SparePort { get; private set; }

    /// <summary>The nginx master's pid, for reading its workers from /proc.</summary>
    public int NginxPid => _nginx!.Pid;

    /// <param name="nginxExtra">More keys of the <c>nginx:</c> section, as YAML lines indented by two spaces ("  tls: {...}").</param>
    /// <param name="prepare">Runs in the config's folder before the config is loaded (to write certificates).</param>
    public static async Task<Gateway> StartAsync(string strategy, CancellationToken cancellationToken, string nginxExtra = "", Action<string>? prepare = null)
    {
        var gateway = new Gateway();
        try
        {
            var ports = Orchestration.Processes.PortProbe.PickFreeBlocks([1, 2, 1, 1]);
            var (nginxPort, broker, datafeed) = (ports[0], ports[1], ports[2]);
            gateway.SparePort = ports[3];
            prepare?.Invoke(gateway._dir.Path);
            var yaml = $$"""
                local_dir: .local
                nginx:
                  port: {{nginxPort}}
                  worker_processes: 2
                {{nginxExtra.Replace("{spare}", ports[3].ToString(System.Globalization.CultureInfo.InvariantCulture))}}
                servers:
                  broker: {port: {{broker}}, instances: 2, modules: [core, broker]}
                  datafeed: {port: {{datafeed}}, modules: [core, datafeed]}
                websocket: {routing_strategy: {{strategy}}}
                websocket_routes: {broker: broker, datafeed: datafeed}
                """;
            gateway.Config = ConfigLoader.LoadOrThrow(gateway._dir.Write("deploy.yaml", yaml));
            foreach (var instance in gateway.Config.Instances)
                gateway._backends.Add(await EchoBackend.StartAsync(instance.Server.Name, instance.Index, instance.Port));
            gateway._nginx = await NginxProcess.StartAsync(gateway.Config, cancellationToken);
            if (gateway.Config.Nginx.Tls is not null)
            {
                gateway.Http.Dispose();
                gateway.Http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, SslOptions = { RemoteCertificateValidationCallback = gateway.TrustGateway } })
                    { Timeout = TimeSpan.FromSeconds(10) };
            }
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    public Uri Url(string pathAndQuery) => new(BaseUri, pathAndQuery);

    /// <summary>Runs the assertions; on failure the message carries nginx's logs.</summary>
    public async Task CheckAsync(Func<Task> assertions)
    {
        try
        {
            await assertions();
        }
        catch (Exception ex) when (ex is Xunit.Sdk.XunitException or HttpRequestException or System.Net.WebSockets.WebSocketException or TaskCanceledException)
        {
            var logs = new StringBuilder(_nginx?.Logs()).AppendLine("--- nginx.conf ---").Append(File.ReadAllText(Config.Paths.NginxConf));
            throw new Xunit.Sdk.XunitException($"{ex.Message}\n{logs}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_nginx is not null) await _nginx.DisposeAsync();
        foreach (var backend in _backends) await backend.DisposeAsync();
        _dir.Dispose();
    }
}
