using System.Net;
using YamlDotNet.RepresentationModel;

namespace Orchestration.Config;

/// <summary>
/// Maps the YAML tree into the model, applying defaults and checking every single-field rule
/// (types, ranges, names, unknown keys). Rules that span fields live in <see cref="ConfigValidator"/>.
/// Always returns a model; it is only trusted when no error was reported.
/// </summary>
internal sealed partial class ConfigParser(ConfigDiagnostics diagnostics, string configPath, ConfigLoadOptions options)
{
    private static readonly string[] RootKeys =
        ["api_base_url", "nginx", "servers", "websocket", "websocket_routes", "health", "restart", "logs", "stop_timeout", "local_dir", "specs"];
    private static readonly string[] NginxKeys =
        ["port", "listen", "worker_processes", "worker_connections", "binary", "user", "tls", "timeouts", "limits", "max_body_mb", "trusted_proxies"];
    private static readonly string[] WebSocketKeys = ["routing_strategy", "query_param_name"];
    private static readonly string[] HealthKeys = ["attempts", "interval", "timeout"];
    private static readonly string[] LogKeys = ["max_size_mb", "max_files"];
    private static readonly string[] RestartKeys = ["min_uptime", "max_restarts", "backoff", "max_backoff"];

    private readonly string _baseDirectory = Path.GetDirectoryName(configPath)!;

    /// <summary>YAML path of each (server, module) entry, for errors found later.</summary>
    public Dictionary<(string Server, string Module), string> ModulePaths { get; } = [];

    public DeploymentConfig Parse(YamlMappingNode rootNode)
    {
        var root = new YamlSection(rootNode, "", diagnostics);
        root.RejectUnknownKeys(RootKeys);
        var localDir = ReadLocalDir(root);
        return new DeploymentConfig
        {
            ConfigPath = configPath,
            BaseDirectory = _baseDirectory,
            LocalDir = localDir,
            ApiBaseUrl = ReadApiBaseUrl(root),
            Nginx = ReadNginx(root.Section("nginx", "write nginx: followed by indented 'port: 8000' lines.")),
            Servers = ReadServers(root),
            WebSocket = ReadWebSocket(root.Section("websocket", "write websocket: followed by indented 'routing_strategy: path'.")),
            WebSocketRoutes = ReadRoutes(root.Section("websocket_routes", "write websocket_routes: followed by indented 'module: server' lines.")),
            Health = ReadHealth(root.Section("health", "write health: followed by indented 'attempts: 30' lines.")),
            Logs = ReadLogs(root.Section("logs", "write logs: followed by indented 'max_size_mb: 10' lines.")),
            Restart = ReadRestart(root.Section("restart", "write restart: followed by indented 'max_restarts: 10' lines.")),
            StopTimeout = PositiveSeconds(root, "stop_timeout") ?? 3.0,
            Specs = ReadSpecs(root.Section("specs", "write specs: followed by indented 'output: specs' lines."), localDir),
        };
    }

    private string ReadApiBaseUrl(YamlSection root)
    {
        const string fix = "write a path such as /api/v1: starting with '/', no trailing '/', only letters, digits and . _ ~ -.";
        var value = root.String("api_base_url", fix);
        if (value is null) return "/api/v1";
        if (!ConfigRules.ApiBaseUrl().IsMatch(value))
        {
            var why = !value.StartsWith('/') ? "does not start with '/'"
                : value.EndsWith('/') ? "ends with '/'"
                : "contains a character nginx or URLs treat specially";
            diagnostics.Error("api_base_url", $"'{value}' {why}.", fix);
        }
        return value;
    }

    private string ReadLocalDir(YamlSection root)
    {
        var value = root.String("local_dir", "write a folder path such as .local/prod.");
        var resolved = ConfigRules.Resolve(_baseDirectory, value ?? ".local");
        if (!ConfigRules.IsNginxSafePath(resolved))
        {
            var path = value is null ? "" : "local_dir";
            diagnostics.Error(path, $"local_dir '{resolved}' contains a character nginx cannot take in a path (quote, $, \\, ;, {{, }}, #).",
                "set local_dir to a folder whose path has none of those characters.");
        }
        return resolved;
    }

    private NginxSettings ReadNginx(YamlSection? nginx)
    {
        if (nginx is null) return new NginxSettings();
        nginx.RejectUnknownKeys(NginxKeys);
        var defaults = new NginxSettings();
        return new NginxSettings
        {
            Port = Port(nginx, "port") ?? defaults.Port,
            Listen = ReadListen(nginx) ?? defaults.Listen,
            WorkerProcesses = ReadWorkerProcesses(nginx) ?? defaults.WorkerProcesses,
            WorkerConnections = Ranged(nginx, "worker_connections", 1, 65535, "use a number from 1 to 65535 (1024 is usual).") ?? defaults.WorkerConnections,
            Binary = ReadBinary(nginx),
            User = ReadUser(nginx),
            Tls = ReadTls(nginx.Section("tls", "write tls: followed by indented cert: and key: lines.")),
            Timeouts = ReadTimeouts(nginx.Section("timeouts", "write timeouts: followed by indented 'client_header: 10' lines.")),
            Limits = ReadLimits(nginx.Section("limits", "write limits: followed by indented 'requests_per_second: 20' lines.")),
            MaxBodyMb = ReadMaxBody(nginx) ?? defaults.MaxBodyMb,
            TrustedProxies = ReadTrustedProxies(nginx),
        };
    }

    private string? ReadListen(YamlSection nginx)
    {
        const string fix = "use an IP address: 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).";
        var value = nginx.String("listen", fix);
        if (value is null) return null;
        if (value == "localhost" || (IPAddress.TryParse(value, out _) && !value.Contains('%'))) return value;
        diagnostics.Error("nginx.listen", $"'{value}' is not an IP address.", fix);
        return null;
    }

    private string? ReadWorkerProcesses(YamlSection nginx)
    {
        const string fix = "use a number of at least 1, or auto (one per CPU core).";
        var value = nginx.String("worker_processes", fix);
        if (value is null) return null;
        if (value == "auto") return value;
        if (!int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n))
            diagnostics.Error("nginx.worker_processes", $"'{value}' is neither a number nor auto.", fix);
        else if (n < 1)
            diagnostics.Error("nginx.worker_processes", $"{value} is not a valid number of workers.", fix);
        else
            return n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return null;
    }

    private string? ReadBinary(YamlSection nginx)
    {
        var value = nginx.String("binary", "write the path of the nginx executable, e.g. /usr/sbin/nginx.");
        if (value is null) return null;
        // A bare name ("nginx") is looked up on PATH; anything with a slash is a path next to the config.
        return value.Contains('/') ? ConfigRules.Resolve(_baseDirectory, value) : value;
    }

    private WebSocketSettings ReadWebSocket(YamlSection? ws)
    {
        if (ws is null) return new WebSocketSettings();
        ws.RejectUnknownKeys(WebSocketKeys);
        var strategy = RoutingStrategy.Path;
        var text = ws.String("routing_strategy", "write path or query_param.");
        if (text is "query_param") strategy = RoutingStrategy.QueryParam;
        else if (text is not (null or "path"))
        {
            var guess = Suggestions.Closest(text, ["path", "query_param"]);
            diagnostics.Error("websocket.routing_strategy", $"'{text}' is not a routing strategy.",
                (guess is null ? "use" : $"did you mean '{guess}'? Use") + " path (/api/v1/<module>/ws) or query_param (/api/v1/ws?type=<module>).");
        }
        var name = ws.String("query_param_name", "write a plain name such as type.") ?? "type";
        if (!ConfigRules.Identifier().IsMatch(name))
            diagnostics.Error("websocket.query_param_name", $"'{name}' is not a plain identifier.",
                "use letters, digits and '_', starting with a letter or '_' (e.g. type).");
        return new WebSocketSettings { RoutingStrategy = strategy, QueryParamName = name };
    }

    private List<WebSocketRoute> ReadRoutes(YamlSection? routes)
    {
        if (routes is null) return [];
        var result = new List<WebSocketRoute>();
        foreach (var route in routes.Keys)
        {
            var path = routes.Child(route);
            var server = routes.String(route, "write 'module: server', e.g. broker: broker.");
            if (!ConfigRules.Name().IsMatch(route))
                diagnostics.Error(path, $"'{route}' is not a valid module name.", ConfigRules.NameFix("module"), atKey: true);
            else if (server is null && !diagnostics.Failed(path))
                diagnostics.Error(path, $"route '{route}' names no server.", $"write the server that hosts {route}, e.g. {route}: {route}.", atKey: true);
            else if (server is not null)
                result.Add(new WebSocketRoute(route, server));
        }
        return result;
    }

    private HealthSettings ReadHealth(YamlSection? health)
    {
        if (health is null) return new HealthSettings();
        health.RejectUnknownKeys(HealthKeys);
        var defaults = new HealthSettings();
        return new HealthSettings
        {
            Attempts = Ranged(health, "attempts", 1, 100_000, "use a number of at least 1 (default 30).") ?? defaults.Attempts,
            IntervalSeconds = PositiveSeconds(health, "interval") ?? defaults.IntervalSeconds,
            TimeoutSeconds = PositiveSeconds(health, "timeout") ?? defaults.TimeoutSeconds,
        };
    }

    private LogSettings ReadLogs(YamlSection? logs)
    {
        if (logs is null) return new LogSettings();
        logs.RejectUnknownKeys(LogKeys);
        var defaults = new LogSettings();
        var size = logs.Number("max_size_mb", "use a size in megabytes greater than 0, e.g. 10 or 0.5.", "a size in megabytes");
        if (size is not null && (size <= 0 || size > 1_000_000))
        {
            diagnostics.Error(logs.Child("max_size_mb"), $"{size} is not a size in megabytes greater than 0.", "use a size in megabytes greater than 0, e.g. 10 or 0.5.");
            size = null;
        }
        return new LogSettings
        {
            MaxSizeMb = size ?? defaults.MaxSizeMb,
            MaxFiles = Ranged(logs, "max_files", 1, 1000, "use a number of rotated files to keep, at least 1 (default 5).") ?? defaults.MaxFiles,
        };
    }

    private RestartPolicy ReadRestart(YamlSection? restart)
    {
        if (restart is null) return new RestartPolicy();
        restart.RejectUnknownKeys(RestartKeys);
        var defaults = new RestartPolicy();
        var policy = new RestartPolicy
        {
            MinUptimeSeconds = PositiveSeconds(restart, "min_uptime") ?? defaults.MinUptimeSeconds,
            MaxRestarts = Ranged(restart, "max_restarts", 1, 100_000, "use a number of at least 1 (default 10).") ?? defaults.MaxRestarts,
            BackoffSeconds = PositiveSeconds(restart, "backoff") ?? defaults.BackoffSeconds,
            MaxBackoffSeconds = PositiveSeconds(restart, "max_backoff") ?? defaults.MaxBackoffSeconds,
        };
        if (policy.MaxBackoffSeconds < policy.BackoffSeconds)
            diagnostics.Error(restart.Child("max_backoff"), $"{policy.MaxBackoffSeconds} is less than backoff ({policy.BackoffSeconds}).", "make max_backoff at least backoff, e.g. backoff: 0.5 and max_backoff: 5.");
        return policy;
    }

    private int? Port(YamlSection section, string key) => Ranged(section, key, ConfigRules.MinPort, ConfigRules.MaxPort, ConfigRules.PortFix, "is not a valid port");

    private int? Ranged(YamlSection section, string key, int min, int max, string fix, string what = "is out of range")
    {
        var value = section.Int(key, fix);
        if (value is null) return null;
        if (value >= min && value <= max) return value;
        diagnostics.Error(section.Child(key), $"{value} {what}.", fix);
        return null;
    }

    private double? PositiveSeconds(YamlSection section, string key)
    {
        const string fix = "use a number of seconds greater than 0, e.g. 0.5 or 3.";
        var value = section.Seconds(key, fix);
        if (value is null) return null;
        if (value > 0 && value <= 86_400) return value;
        diagnostics.Error(section.Child(key), $"{(section.Node(key) is YamlScalarNode s ? s.Value : value)} is not a positive number of seconds.", fix);
        return null;
    }
}
