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
    public HttpClient Http { get; } = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };
    public Uri BaseUri => new($"http://127.0.0.1:{Config.Nginx.Port}");
    public IReadOnlyList<EchoBackend> Backends => _backends;

    public static async Task<Gateway> StartAsync(string strategy, CancellationToken cancellationToken)
    {
        var gateway = new Gateway();
        try
        {
            var ports = Orchestration.Processes.PortProbe.PickFreeBlocks([1, 2, 1]);
            var (nginxPort, broker, datafeed) = (ports[0], ports[1], ports[2]);
            var yaml = $$"""
                local_dir: .local
                nginx: {port: {{nginxPort}}, worker_processes: 2}
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
