using Orchestration.IO;
using System.Text.Json.Serialization;
namespace Orchestration.Config;

/// <summary>
/// A validated deployment: the whole of <c>dev-config.yaml</c> with every default applied and
/// every relative path resolved against the config file's folder. Immutable; built only by
/// <see cref="ConfigLoader"/> after validation passed.
/// </summary>
public sealed record DeploymentConfig
{
    /// <summary>Absolute path of the YAML file this deployment was read from.</summary>
    public required string ConfigPath { get; init; }

    /// <summary>Absolute folder of the config file; relative paths resolve against it.</summary>
    public required string BaseDirectory { get; init; }

    /// <summary>Absolute folder for pids, logs, nginx.conf and state (default <c>.local</c> next to the config).</summary>
    public required string LocalDir { get; init; }

    /// <summary>API prefix, starts with '/', no trailing slash (default <c>/api/v1</c>).</summary>
    public string ApiBaseUrl { get; init; } = "/api/v1";

    public required NginxSettings Nginx { get; init; }

    /// <summary>Servers in file order.</summary>
    public required IReadOnlyList<ServerConfig> Servers { get; init; }

    public WebSocketSettings WebSocket { get; init; } = new();

    /// <summary>websocket_routes: route (module) name → server name, in file order.</summary>
    public IReadOnlyList<WebSocketRoute> WebSocketRoutes { get; init; } = [];

    public HealthSettings Health { get; init; } = new();

    /// <summary>Size-based rotation of every log the tool writes (<c>logs:</c>).</summary>
    public LogSettings Logs { get; init; } = new();

    /// <summary>What the supervisor does when a process crashes (<c>restart:</c>).</summary>
    public RestartPolicy Restart { get; init; } = new();

    /// <summary>Seconds to wait after SIGTERM before SIGKILL (default 3).</summary>
    public double StopTimeout { get; init; } = 3.0;

    /// <summary>Spec files and typed clients (<c>specs:</c>).</summary>
    public SpecSettings Specs { get; init; } = new();

    /// <summary>Every instance of every server, in server order then instance order.</summary>
    public IEnumerable<InstanceSpec> Instances =>
        Servers.SelectMany(s => Enumerable.Range(0, s.Instances).Select(i => new InstanceSpec(s, i)));

    /// <summary>Every port this deployment listens on: the gateway first, then each instance.</summary>
    public IEnumerable<int> Ports => Instances.Select(i => i.Port).Prepend(Nginx.Port);

    /// <summary>The server that hosts a module (<c>core</c> goes to the first server).</summary>
    public ServerConfig? ServerForModule(string module) =>
        module == ModuleNames.Core ? Servers.FirstOrDefault() : Servers.FirstOrDefault(s => s.Modules.Contains(module));

    /// <summary>The paths under <see cref="LocalDir"/> that the tool writes.</summary>
    public LocalPaths Paths => new(LocalDir);
}

/// <summary>
/// <c>specs:</c> the OpenAPI and AsyncAPI files written on Start, after every watch reload and by
/// GenerateSpecs, and the typed clients GenerateClients makes from them.
/// </summary>
public sealed record SpecSettings
{
    /// <summary>False writes no spec file and serves no deployment-wide docs (<c>specs.enabled</c>, default true).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Absolute folder of the spec files (<c>specs.output</c>, default <c>specs</c> next to the config).</summary>
    public string Output { get; init; } = "specs";

    /// <summary>Absolute folder of the generated clients (<c>specs.clients</c>, default <c>{output}/clients</c>).</summary>
    public string Clients { get; init; } = "specs/clients";
}

public sealed record NginxSettings
{
    public int Port { get; init; } = 8000;

    /// <summary>Address the gateway binds (default 127.0.0.1).</summary>
    public string Listen { get; init; } = "127.0.0.1";

    /// <summary>"auto" or a positive number, as text (default "1").</summary>
    public string WorkerProcesses { get; init; } = "1";

    public int WorkerConnections { get; init; } = 1024;

    /// <summary>Explicit nginx binary from the config (<c>nginx.binary</c>), or null to search.</summary>
    public string? Binary { get; init; }

    /// <summary>
    /// The user nginx's workers run as when the master runs as root (<c>nginx.user</c>); null picks
    /// www-data, or nobody where there is no www-data. Ignored when not root.
    /// </summary>
    public string? User { get; init; }

    /// <summary>HTTPS for the gateway (<c>nginx.tls</c>); null serves plain HTTP.</summary>
    public TlsSettings? Tls { get; init; }

    /// <summary>How long nginx waits on a slow client (<c>nginx.timeouts</c>).</summary>
    public GatewayTimeouts Timeouts { get; init; } = new();

    /// <summary>Per-client limits (<c>nginx.limits</c>); null for none.</summary>
    public GatewayLimits? Limits { get; init; }

    /// <summary>The largest request body the gateway accepts, in megabytes (<c>nginx.max_body_mb</c>).</summary>
    public double MaxBodyMb { get; init; } = 10;

    /// <summary>
    /// Addresses or CIDR ranges of proxies in front of the gateway whose X-Forwarded-For is believed
    /// (<c>nginx.trusted_proxies</c>, nginx's real-IP module).
    /// </summary>
    public IReadOnlyList<string> TrustedProxies { get; init; } = [];

    /// <summary>True when the gateway listens beyond this machine (not a loopback address).</summary>
    public bool IsPublic => !(Listen is "localhost" || (System.Net.IPAddress.TryParse(Listen, out var ip) && System.Net.IPAddress.IsLoopback(ip)));

    /// <summary>Where a client on this machine reaches the gateway: http(s)://&lt;listen or loopback&gt;:&lt;port&gt;.</summary>
    public string Url => $"{(Tls is null ? "http" : "https")}://{UrlHost(ClientAddress(Listen))}:{Port}";

    private static string UrlHost(string address) => address.Contains(':') ? $"[{address}]" : address;

    /// <summary>The address to connect to for a listen address: loopback when nginx listens on every address.</summary>
    public static string ClientAddress(string listen) => listen is "0.0.0.0" or "*" or "" ? "127.0.0.1" : listen;
}

public sealed record ServerConfig
{
    public required string Name { get; init; }

    /// <summary>Port of instance 0; instance i listens on Port + i.</summary>
    public required int Port { get; init; }

    public int Instances { get; init; } = 1;

    /// <summary>Modules to load, <c>core</c> always first and exactly once.</summary>
    public IReadOnlyList<string> Modules { get; init; } = [ModuleNames.Core];

    public bool Reload { get; init; } = true;

    /// <summary>How a .NET project is built to run (<c>publish:</c>); see <see cref="PublishMode"/>.</summary>
    public PublishMode Publish { get; init; } = PublishMode.Auto;

    /// <summary>
    /// <c>socket_handoff:</c> a replacement (rolling Restart, watch reload, Apply) takes over the
    /// instance's own listening socket (systemd's LISTEN_FDS) instead of starting on the spare port
    /// and moving back: one start per instance. The project must accept handed sockets (Kestrel:
    /// <c>UseSystemd()</c>, as the bundled TradingApi does).
    /// </summary>
    public bool SocketHandOff { get; init; }

    /// <summary>argv of a custom backend with placeholders {port} {name} {instance} {modules}; null runs <see cref="Project"/>.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>Absolute path of the .NET project to run when <see cref="Command"/> is null (default the bundled src/TradingApi).</summary>
    public string? Project { get; init; }

    /// <summary>Extra environment variables for every instance.</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary>Glob patterns (relative to <see cref="BaseDirectoryForWatch"/>) that trigger a reload for a command server.</summary>
    public IReadOnlyList<string> Watch { get; init; } = [];

    /// <summary>True when this server runs a .NET project (bundled or user's) rather than a command.</summary>
    public bool IsDotNetProject => Command is null;

    /// <summary>Folder watched for code changes: the project's folder, or the config folder for a command server.</summary>
    public string? BaseDirectoryForWatch { get; init; }

    /// <summary>The argv of one instance of this command server, placeholders expanded (see <see cref="CommandTemplate"/>).</summary>
    public IReadOnlyList<string> ExpandCommand(InstanceSpec instance) => CommandTemplate.Expand(instance);
}

/// <summary>
/// <c>servers.&lt;n&gt;.publish</c>: <c>jit</c> runs <c>dotnet x.dll</c> of a Release build; <c>aot</c> runs the
/// native binary of a Native AOT publish (reload: false only: watch mode rebuilds JIT on every change);
/// <c>auto</c> picks AOT when the server has reload: false and its project declares itself AOT-compatible.
/// </summary>
[JsonConverter(typeof(SnakeCaseEnum<PublishMode>))]
public enum PublishMode
{
    Auto,
    Aot,
    Jit,
}

[JsonConverter(typeof(SnakeCaseEnum<RoutingStrategy>))]
public enum RoutingStrategy
{
    Path,
    QueryParam,
}

/// <summary><c>nginx.tls</c>: the certificate chain and key (PEM, absolute paths) and an optional plain-HTTP port that redirects.</summary>
public sealed record TlsSettings
{
    public required string Certificate { get; init; }
    public required string Key { get; init; }

    /// <summary>A plain-HTTP listener on this port answering every request with a redirect to HTTPS; null for none.</summary>
    public int? RedirectPort { get; init; }
}

/// <summary><c>nginx.timeouts</c>, in seconds: how long a slow or idle client may hold a connection.</summary>
public sealed record GatewayTimeouts
{
    public double ClientHeaderSeconds { get; init; } = 10;
    public double ClientBodySeconds { get; init; } = 30;
    public double SendSeconds { get; init; } = 30;
    public double KeepaliveSeconds { get; init; } = 65;
}

/// <summary><c>nginx.limits</c>: per client address; a request over them gets 429. WebSocket routes are exempt from the rate.</summary>
public sealed record GatewayLimits
{
    public int? RequestsPerSecond { get; init; }
    public int Burst { get; init; }
    public int? ConnectionsPerClient { get; init; }
}

public sealed record WebSocketSettings
{
    public RoutingStrategy RoutingStrategy { get; init; } = RoutingStrategy.Path;
    public string QueryParamName { get; init; } = "type";
}

/// <summary>One websocket_routes entry: <c>route</c> (a module name) served by <c>server</c>.</summary>
public sealed record WebSocketRoute(string Route, string Server);

public sealed record HealthSettings
{
    public int Attempts { get; init; } = 30;
    public double IntervalSeconds { get; init; } = 0.5;
    public double TimeoutSeconds { get; init; } = 2.0;
}

/// <summary>
/// Every log under <c>local_dir/logs</c> (each process's, the unified one, nginx's access and error
/// logs) is rotated when it passes <see cref="MaxSizeMb"/>: <c>x.log</c> becomes <c>x.log.1</c>, older
/// ones shift up, and only <see cref="MaxFiles"/> rotated files are kept.
/// </summary>
public sealed record LogSettings
{
    public double MaxSizeMb { get; init; } = 10;
    public int MaxFiles { get; init; } = 5;

    public long MaxSizeBytes => (long)(MaxSizeMb * 1024 * 1024);
}

/// <summary>
/// Crash restarts as PM2 and supervisord do them: a delay that doubles from <see cref="BackoffSeconds"/>
/// up to <see cref="MaxBackoffSeconds"/> while starts are unstable, back to the first once a process
/// stayed up <see cref="MinUptimeSeconds"/>; after <see cref="MaxRestarts"/> unstable starts in a row
/// the process is left <c>errored</c> until a Restart.
/// </summary>
public sealed record RestartPolicy
{
    public double MinUptimeSeconds { get; init; } = 30;
    public int MaxRestarts { get; init; } = 10;
    public double BackoffSeconds { get; init; } = 0.5;
    public double MaxBackoffSeconds { get; init; } = 5;
}

/// <summary>One process of a server: <c>broker-0</c> on port 8001.</summary>
public sealed record InstanceSpec(ServerConfig Server, int Index)
{
    public string Name => $"{Server.Name}-{Index}";
    public int Port => Server.Port + Index;
    public IReadOnlyList<string> Modules => Server.Modules;
    public string Url => $"http://127.0.0.1:{Port}";
}

public static class ModuleNames
{
    public const string Core = "core";
    public const string Broker = "broker";
    public const string Datafeed = "datafeed";

    /// <summary>Modules the bundled TradingApi backend provides.</summary>
    public static readonly IReadOnlyList<string> Bundled = [Core, Broker, Datafeed];
}

/// <summary>Where a deployment keeps its runtime files, all under one <c>local_dir</c>.</summary>
public sealed record LocalPaths(string Root)
{
    public string Logs => Path.Combine(Root, "logs");
    public string Pids => Path.Combine(Root, "pids");
    public string Temp => Path.Combine(Root, "temp");
    public string NginxConf => Path.Combine(Root, "nginx.conf");

    /// <summary>A gateway config for a running stack, proven with nginx -t: the supervisor moves it over nginx.conf when it reloads nginx.</summary>
    public string NextNginxConf => Path.Combine(Root, "nginx.next.conf");
    public string NginxPid => Path.Combine(Root, "nginx.pid");
    public string NginxAccessLog => Path.Combine(Logs, "nginx-access.log");
    public string NginxErrorLog => Path.Combine(Logs, "nginx-error.log");
    public string UnifiedLog => Path.Combine(Logs, "backend-unified.log");
    public string State => Path.Combine(Root, "state.json");
    public string Lock => Path.Combine(Root, "start.lock");
    public string ControlSocket => Path.Combine(Root, "supervisor.sock");

    /// <summary>What the running supervisor was started with (<c>plan.json</c>).</summary>
    public string Plan => Path.Combine(Root, "plan.json");

    /// <summary>A plan for replacements of running instances (a rolling Restart).</summary>
    public string NextPlan => Path.Combine(Root, "plan.next.json");

    /// <summary>What a supervisor that replaces its own program hands to the next one (its children, their pipes).</summary>
    public string HandOver => Path.Combine(Root, "handover.json");
    public string LogFor(string processName) => Path.Combine(Logs, processName + ".log");
    public string PidFileFor(string processName) => Path.Combine(Pids, processName + ".pid");
}
