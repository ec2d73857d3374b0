using System.Globalization;
using Orchestration.Config;
using Scriban;
using Scriban.Runtime;

namespace Orchestration.Nginx;

/// <summary>Options for <see cref="NginxConfigRenderer.Render"/>.</summary>
public sealed record NginxRenderOptions
{
    /// <summary>
    /// Who the workers run as (<c>user &lt;name&gt;;</c> when set) and where their temp folders are;
    /// null: the caller, temp folders under local_dir. See <see cref="NginxWorkers.For"/>.
    /// </summary>
    public NginxWorkers? Workers { get; init; }

    /// <summary>How this nginx turns HTTP/2 on for a TLS gateway (from <c>nginx -V</c>); None keeps HTTP/1.1.</summary>
    public Http2Syntax Http2 { get; init; }

    /// <summary>
    /// Instance name → a spare port, listed as a <c>backup</c> server of its upstream. Watch mode starts
    /// a replacement there before the instance stops, so nginx always has somewhere to send a request
    /// without ever being reloaded (a reload resets clients' keepalive connections). The primaries
    /// of such an upstream get <c>max_fails=0</c>: a refused connection moves that one request on at
    /// once, and the instance gets traffic again the moment it is back.
    /// </summary>
    public IReadOnlyDictionary<string, int>? SparePorts { get; init; }

    /// <summary>Where each upstream points; null: this machine's instance ports and <see cref="SparePorts"/>.</summary>
    public IUpstreamAddresses? Upstreams { get; init; }

    /// <summary>
    /// How long nginx waits to connect to a backend before it tries the next address. Where addresses are
    /// resolved at request time, one may belong to a replica that is gone and not answer at all: a short
    /// wait moves the request on well within a client's patience.
    /// </summary>
    public string ConnectTimeout { get; init; } = "5s";

    /// <summary>
    /// The folder of the deployment's spec files (<c>specs.output</c>), served as <c>/api/openapi.json</c>,
    /// <c>/api/asyncapi.json</c> and <c>/api/docs</c>, and as every instance's <c>core/openapi.json</c>
    /// through the gateway (so core/docs lists every module, whatever server hosts it); null: not served
    /// (containers do not have the files).
    /// </summary>
    public string? SpecFiles { get; init; }

    /// <summary>The pid file and logs; null: under local_dir.</summary>
    public NginxFiles? Files { get; init; }

    /// <summary>How the file is made and run, for its header comment (the rest of the first line and any more lines).</summary>
    public string Origin { get; init; } = DefaultOrigin;

    public const string DefaultOrigin = "rewritten on every start, do not edit.\n" +
        "# Runs in the foreground under the supervisor: nginx -c <this file> -p <local_dir> -g \"daemon off;\"";
}

/// <summary>
/// Renders the gateway's nginx.conf from a validated deployment: a pure function (same config,
/// same bytes), laid out by the embedded Scriban template <c>Nginx/nginx.conf.sbn</c>.
/// </summary>
public static class NginxConfigRenderer
{
    private static readonly Lazy<Template> TemplateText = new(LoadTemplate);

    /// <summary>Upstream name of a server: <c>broker_backend</c>.</summary>
    public static string UpstreamName(string serverName) => serverName + "_backend";

    public static string Render(DeploymentConfig config, NginxRenderOptions? options = null)
    {
        var model = BuildModel(config, options ?? new NginxRenderOptions());
        var context = new TemplateContext { StrictVariables = true, LoopLimit = 100_000 };
        context.PushGlobal(model);
        var text = TemplateText.Value.Render(context);
        return text.Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private static ScriptObject BuildModel(DeploymentConfig config, NginxRenderOptions options)
    {
        var paths = config.Paths;
        var first = config.Servers[0];
        var modules = config.Servers.SelectMany(s => s.Modules).Distinct(StringComparer.Ordinal).ToList();

        var workers = options.Workers ?? NginxWorkers.Caller(paths);
        var files = options.Files ?? NginxFiles.Under(paths);
        var upstreams = options.Upstreams ?? new LocalInstanceAddresses(options.SparePorts);
        var model = new ScriptObject
        {
            ["config_file"] = Path.GetFileName(config.ConfigPath),
            ["origin"] = options.Origin,
            ["user"] = workers.User,
            ["worker_processes"] = config.Nginx.WorkerProcesses,
            ["worker_connections"] = config.Nginx.WorkerConnections.ToString(CultureInfo.InvariantCulture),
            ["pid"] = Quote(files.Pid),
            ["error_log"] = Quote(files.ErrorLog),
            ["access_log"] = Quote(files.AccessLog),
            ["access_log_buffer"] = files.AccessLogBuffer,
            ["temp_paths"] = NginxDirectories.TempKinds.Select(k => Obj(("directive", k + "_temp_path"), ("path", Quote(Path.Combine(workers.TempRoot, k))))).ToList(),
            ["resolver"] = upstreams.Resolver,
            ["connect_timeout"] = options.ConnectTimeout,
            ["upstreams"] = upstreams.Resolver is not null ? new List<ScriptObject>() : config.Servers.Select(s => Obj(
                ("name", UpstreamName(s.Name)),
                ("servers", upstreams.For(s).ToList()),
                ("keepalive", true))).Concat(WebSocketServers(config, upstreams).Select(s => Obj(
                ("name", WebSocketUpstreamName(s.Name)),
                ("servers", upstreams.For(s).ToList()),
                ("keepalive", false)))).ToList(),
            ["listen"] = Listen(config.Nginx),
            ["base"] = config.ApiBaseUrl,
            ["docs"] = $"{config.ApiBaseUrl}/{ModuleNames.Core}/docs",
            ["specs"] = options.SpecFiles is { } specs ? Obj(
                ("root", Specs.SpecDocuments.DeploymentRoot(config.ApiBaseUrl)),
                ("openapi", Quote(Path.Combine(specs, Specs.SpecSet.OpenApiFile))),
                ("asyncapi", Quote(Path.Combine(specs, Specs.SpecSet.AsyncApiFile))),
                ("page", Quote(Path.Combine(specs, Specs.SpecSet.DocsFile)))) : null,
            ["rest"] = modules.Select(m => Location(m, config.ServerForModule(m) ?? first, $"{config.ApiBaseUrl}/{m}/", upstreams)).ToList(),
            ["websockets"] = config.WebSocket.RoutingStrategy == RoutingStrategy.Path
                ? config.WebSocketRoutes.Select(r => Location(r.Route, Server(config, r.Server), $"{config.ApiBaseUrl}/{r.Route}/ws", upstreams, webSocket: true)).ToList()
                : new List<ScriptObject>(),
            ["query"] = config.WebSocket.RoutingStrategy == RoutingStrategy.QueryParam ? QueryModel(config, upstreams) : null,
            // Local instances only: WebSockets reach them from their own loopback address, so the supervisor
            // tells an open WebSocket from a keepalive connection in /proc/net/tcp (OpenWebSockets).
            ["websocket_bind"] = upstreams is LocalInstanceAddresses ? Metrics.OpenWebSockets.SourceAddress : null,
            ["tls"] = TlsModel(config.Nginx, options),
            ["timeouts"] = Obj(
                ("client_header", Seconds(config.Nginx.Timeouts.ClientHeaderSeconds)),
                ("client_body", Seconds(config.Nginx.Timeouts.ClientBodySeconds)),
                ("send", Seconds(config.Nginx.Timeouts.SendSeconds)),
                ("keepalive", Seconds(config.Nginx.Timeouts.KeepaliveSeconds))),
            ["max_body"] = $"{Math.Max(1, (long)Math.Ceiling(config.Nginx.MaxBodyMb * 1024)).ToString(CultureInfo.InvariantCulture)}k",
            ["limits"] = config.Nginx.Limits is { } limits ? Obj(
                ("rate", limits.RequestsPerSecond?.ToString(CultureInfo.InvariantCulture)),
                ("burst", limits.Burst.ToString(CultureInfo.InvariantCulture)),
                ("connections", limits.ConnectionsPerClient?.ToString(CultureInfo.InvariantCulture))) : null,
            ["trusted_proxies"] = config.Nginx.TrustedProxies.ToList(),
            // A client's own X-Forwarded-For is believed only on a loopback gateway (development) or
            // through the real-IP module from a trusted proxy; an exposed gateway sends the address it saw.
            ["forwarded_for"] = config.Nginx.IsPublic ? "$remote_addr" : "$proxy_add_x_forwarded_for",
        };
        return model;
    }

    /// <summary>nginx tries each server of an upstream once: a restarting instance is not a client error.</summary>
    private static string Tries(ServerConfig server, IUpstreamAddresses upstreams) =>
        upstreams.Tries(server).ToString(CultureInfo.InvariantCulture);

    /// <summary>Where proxy_pass sends a server's requests: its upstream block, or with a resolver the address itself.</summary>
    private static string Target(ServerConfig server, IUpstreamAddresses upstreams) =>
        upstreams.Resolver is null ? UpstreamName(server.Name) : upstreams.For(server)[0];

    /// <summary>
    /// Local instances get a second upstream block per server for WebSockets, without keepalive: with one
    /// block, an upgrade reused an idle REST connection, and an open WebSocket could not be told from a
    /// keepalive connection (the WebSocket ones come from their own address, see OpenWebSockets).
    /// </summary>
    private static IEnumerable<ServerConfig> WebSocketServers(DeploymentConfig config, IUpstreamAddresses upstreams) =>
        upstreams is LocalInstanceAddresses
            ? config.Servers.Where(s => config.WebSocketRoutes.Any(r => r.Server == s.Name))
            : [];

    private static string WebSocketUpstreamName(string server) => UpstreamName(server) + "_ws";

    private static string WebSocketTarget(ServerConfig server, IUpstreamAddresses upstreams) =>
        upstreams is LocalInstanceAddresses ? WebSocketUpstreamName(server.Name) : Target(server, upstreams);

    private static ScriptObject Location(string module, ServerConfig server, string path, IUpstreamAddresses upstreams, bool webSocket = false) => Obj(
        ("module", module),
        ("server", server.Name),
        ("path", path),
        ("upstream", upstreams.Resolver is not null ? "$orchestration_upstream" : webSocket ? WebSocketTarget(server, upstreams) : UpstreamName(server.Name)),
        ("address", upstreams.Resolver is null ? null : Target(server, upstreams)),
        ("tries", Tries(server, upstreams)));

    /// <summary>
    /// What a client of the query_param strategy gets with a 400 when its query parameter names no
    /// WebSocket route; the Kubernetes Ingress answers with the same words.
    /// </summary>
    public static string UnknownRouteReason(DeploymentConfig config)
    {
        var routes = config.WebSocketRoutes.Select(r => r.Route).ToList();
        return routes.Count == 0
            ? "no websocket routes are configured"
            : $"unknown or missing query parameter '{config.WebSocket.QueryParamName}'; use one of: {string.Join(", ", routes)}";
    }

    private static ScriptObject QueryModel(DeploymentConfig config, IUpstreamAddresses upstreams)
    {
        var param = config.WebSocket.QueryParamName;
        var reason = UnknownRouteReason(config);
        return Obj(
            ("param", param),
            ("location", $"{config.ApiBaseUrl}/ws"),
            ("base", config.ApiBaseUrl),
            ("reason", reason),
            ("tries", config.Servers.Max(s => upstreams.Tries(s)).ToString(CultureInfo.InvariantCulture)),
            ("entries", config.WebSocketRoutes.Select(r => Obj(("value", r.Route), ("upstream", WebSocketTarget(Server(config, r.Server), upstreams)))).ToList()));
    }

    private static ServerConfig Server(DeploymentConfig config, string name) =>
        config.Servers.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"websocket route names unknown server '{name}'; validate the config first.", nameof(config));

    private static string Listen(NginxSettings nginx) => Listen(nginx.Listen, nginx.Port);

    private static string Listen(string address, int port)
    {
        var text = port.ToString(CultureInfo.InvariantCulture);
        return address.Contains(':') ? $"[{address}]:{text}" : $"{address}:{text}";
    }

    private static ScriptObject? TlsModel(NginxSettings nginx, NginxRenderOptions options) => nginx.Tls is not { } tls ? null : Obj(
        ("certificate", Quote(tls.Certificate)),
        ("key", Quote(tls.Key)),
        ("http2_listen", options.Http2 == Http2Syntax.ListenParameter),
        ("http2_directive", options.Http2 == Http2Syntax.Directive),
        ("redirect", tls.RedirectPort is { } port ? Listen(nginx.Listen, port) : null),
        ("port", nginx.Port.ToString(CultureInfo.InvariantCulture)));

    private static string Seconds(double seconds) =>
        seconds >= 1 && seconds == Math.Floor(seconds)
            ? $"{seconds.ToString(CultureInfo.InvariantCulture)}s"
            : $"{Math.Max(1, (long)Math.Round(seconds * 1000)).ToString(CultureInfo.InvariantCulture)}ms";

    /// <summary>A path as an nginx string; the config validator already refused quotes, '$' and '\'.</summary>
    private static string Quote(string path) => $"\"{path}\"";

    private static ScriptObject Obj(params (string Key, object? Value)[] members)
    {
        var obj = new ScriptObject();
        foreach (var (key, value) in members) obj[key] = value;
        return obj;
    }

    private static Template LoadTemplate()
    {
        var assembly = typeof(NginxConfigRenderer).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("nginx.conf.sbn", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        var template = Template.Parse(reader.ReadToEnd(), "nginx.conf.sbn");
        if (template.HasErrors)
            throw new InvalidOperationException("nginx.conf.sbn does not parse: " + string.Join("; ", template.Messages));
        return template;
    }
}
