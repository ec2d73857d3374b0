using System.Globalization;
using Orchestration.Config;
using Scriban;
using Scriban.Runtime;

namespace Orchestration.Nginx;

/// <summary>Options for <see cref="NginxConfigRenderer.Render"/>.</summary>
public sealed record NginxRenderOptions
{
    /// <summary>
    /// Emits <c>user &lt;name&gt;;</c>. Pass "root" when the master runs as root: workers then keep
    /// access to the owner-only local_dir (nginx's default worker user, nobody, cannot reach it).
    /// </summary>
    public string? User { get; init; }

    /// <summary>
    /// Instance name → a spare port, listed as a <c>backup</c> server of its upstream. Watch mode starts
    /// a replacement there before the instance stops, so nginx always has somewhere to send a request
    /// without ever being reloaded (a reload resets clients' keepalive connections). The primaries
    /// of such an upstream get <c>max_fails=0</c>: a refused connection moves that one request on at
    /// once, and the instance gets traffic again the moment it is back.
    /// </summary>
    public IReadOnlyDictionary<string, int>? SparePorts { get; init; }
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

        var model = new ScriptObject
        {
            ["config_file"] = Path.GetFileName(config.ConfigPath),
            ["user"] = options.User,
            ["worker_processes"] = config.Nginx.WorkerProcesses,
            ["worker_connections"] = config.Nginx.WorkerConnections.ToString(CultureInfo.InvariantCulture),
            ["pid"] = Quote(paths.NginxPid),
            ["error_log"] = Quote(paths.NginxErrorLog),
            ["access_log"] = Quote(paths.NginxAccessLog),
            ["temp_paths"] = NginxDirectories.TempKinds.Select(k => Obj(("directive", k + "_temp_path"), ("path", Quote(Path.Combine(paths.Temp, k))))).ToList(),
            ["upstreams"] = config.Servers.Select(s => Obj(
                ("name", UpstreamName(s.Name)),
                ("servers", UpstreamServers(s, options)))).ToList(),
            ["listen"] = Listen(config.Nginx),
            ["base"] = config.ApiBaseUrl,
            ["docs"] = $"{config.ApiBaseUrl}/{ModuleNames.Core}/docs",
            ["rest"] = modules.Select(m => Location(m, config.ServerForModule(m) ?? first, $"{config.ApiBaseUrl}/{m}/", options)).ToList(),
            ["websockets"] = config.WebSocket.RoutingStrategy == RoutingStrategy.Path
                ? config.WebSocketRoutes.Select(r => Location(r.Route, Server(config, r.Server), $"{config.ApiBaseUrl}/{r.Route}/ws", options)).ToList()
                : new List<ScriptObject>(),
            ["query"] = config.WebSocket.RoutingStrategy == RoutingStrategy.QueryParam ? QueryModel(config, options) : null,
        };
        return model;
    }

    private static List<string> UpstreamServers(ServerConfig server, NginxRenderOptions options)
    {
        var spares = Spares(server, options);
        var primary = spares.Count == 0 ? "max_fails=1 fail_timeout=5s" : "max_fails=0";
        return Enumerable.Range(0, server.Instances)
            .Select(i => $"127.0.0.1:{(server.Port + i).ToString(CultureInfo.InvariantCulture)} {primary}")
            .Concat(spares.Select(p => $"127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)} backup"))
            .ToList();
    }

    private static List<int> Spares(ServerConfig server, NginxRenderOptions options) =>
        Enumerable.Range(0, server.Instances)
            .Select(i => options.SparePorts is { } spares && spares.TryGetValue($"{server.Name}-{i}", out var port) ? port : 0)
            .Where(p => p > 0).ToList();

    private static string Tries(ServerConfig server, NginxRenderOptions options) =>
        (server.Instances + Spares(server, options).Count).ToString(CultureInfo.InvariantCulture);

    private static ScriptObject Location(string module, ServerConfig server, string path, NginxRenderOptions options) => Obj(
        ("module", module),
        ("server", server.Name),
        ("path", path),
        ("upstream", UpstreamName(server.Name)),
        ("tries", Tries(server, options)));

    private static ScriptObject QueryModel(DeploymentConfig config, NginxRenderOptions options)
    {
        var param = config.WebSocket.QueryParamName;
        var routes = config.WebSocketRoutes.Select(r => r.Route).ToList();
        var reason = routes.Count == 0
            ? "no websocket routes are configured"
            : $"unknown or missing query parameter '{param}'; use one of: {string.Join(", ", routes)}";
        return Obj(
            ("param", param),
            ("location", $"{config.ApiBaseUrl}/ws"),
            ("base", config.ApiBaseUrl),
            ("reason", reason),
            ("tries", config.Servers.Max(s => int.Parse(Tries(s, options), CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture)),
            ("entries", config.WebSocketRoutes.Select(r => Obj(("value", r.Route), ("upstream", UpstreamName(r.Server)))).ToList()));
    }

    private static ServerConfig Server(DeploymentConfig config, string name) =>
        config.Servers.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"websocket route names unknown server '{name}'; validate the config first.", nameof(config));

    private static string Listen(NginxSettings nginx)
    {
        var port = nginx.Port.ToString(CultureInfo.InvariantCulture);
        return nginx.Listen.Contains(':') ? $"[{nginx.Listen}]:{port}" : $"{nginx.Listen}:{port}";
    }

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
