namespace Orchestration.Config;

/// <summary>
/// Rules that span several fields: no two listeners on one port, a module hosted by one server,
/// websocket routes that lead somewhere. Runs after <see cref="ConfigParser"/>; skips values that
/// already have an error so one mistake is reported once.
/// </summary>
internal sealed class ConfigValidator(ConfigDiagnostics diagnostics, IReadOnlyDictionary<(string Server, string Module), string> modulePaths)
{
    public void Validate(DeploymentConfig config)
    {
        CheckPortConflicts(config);
        CheckModulesHostedOnce(config);
        CheckRoutes(config);
    }

    private sealed record Listener(string Owner, string Path, int FirstPort, int Count)
    {
        public int LastPort => FirstPort + Count - 1;
        public string Describe(int port) => Owner == "nginx" ? "nginx.port" : $"servers.{Owner} (instance {Owner}-{port - FirstPort})";
    }

    private void CheckPortConflicts(DeploymentConfig config)
    {
        var listeners = new List<Listener>();
        if (!diagnostics.Failed("nginx.port")) listeners.Add(new Listener("nginx", "nginx.port", config.Nginx.Port, 1));
        foreach (var s in config.Servers)
        {
            var path = $"servers.{s.Name}.port";
            if (s.Port > 0 && !diagnostics.Failed(path) && !diagnostics.Failed($"servers.{s.Name}.instances"))
                listeners.Add(new Listener(s.Name, path, s.Port, s.Instances));
        }

        for (var i = 0; i < listeners.Count; i++)
        {
            var later = listeners[i];
            for (var j = 0; j < i; j++)
            {
                var earlier = listeners[j];
                var shared = Math.Max(earlier.FirstPort, later.FirstPort);
                if (shared > Math.Min(earlier.LastPort, later.LastPort)) continue;
                var what = later.Count > 1 ? $"ports {later.FirstPort}-{later.LastPort} overlap" : $"port {later.FirstPort} overlaps";
                var free = FirstFreeRange(listeners, later);
                diagnostics.Error(later.Path,
                    $"{what} {earlier.Describe(shared)}: both would listen on {shared}.",
                    $"give every listener its own port{(later.Count > 1 ? " range (port .. port + instances - 1)" : "")}"
                    + (free is null ? "." : $", e.g. {later.Path}: {free}."));
                break;
            }
        }
    }

    /// <summary>The first port after <paramref name="moving"/>'s own whose range touches no other listener.</summary>
    private static int? FirstFreeRange(List<Listener> listeners, Listener moving)
    {
        for (var p = moving.FirstPort + 1; p + moving.Count - 1 <= ConfigRules.MaxPort; p++)
        {
            var last = p + moving.Count - 1;
            if (listeners.All(l => ReferenceEquals(l, moving) || last < l.FirstPort || p > l.LastPort)) return p;
        }
        return null;
    }

    private void CheckModulesHostedOnce(DeploymentConfig config)
    {
        var host = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var server in config.Servers)
        {
            foreach (var module in server.Modules.Where(m => m != ModuleNames.Core))
            {
                if (!host.TryAdd(module, server.Name))
                    diagnostics.Error(modulePaths[(server.Name, module)],
                        $"module '{module}' is already hosted by servers.{host[module]}; nginx can route it to one server only.",
                        $"list {module} under one server; to scale it, raise that server's instances.");
            }
        }
    }

    private void CheckRoutes(DeploymentConfig config)
    {
        var names = config.Servers.Select(s => s.Name).ToList();
        foreach (var route in config.WebSocketRoutes)
        {
            var path = $"websocket_routes.{route.Route}";
            var server = config.Servers.FirstOrDefault(s => s.Name == route.Server);
            if (server is null)
            {
                var guess = Suggestions.Closest(route.Server, names);
                diagnostics.Error(path, $"server '{route.Server}' does not exist.",
                    $"use one of the servers: {string.Join(", ", names)}{(guess is null ? "" : $" (did you mean '{guess}'?)")}.");
            }
            else if (!server.Modules.Contains(route.Route))
            {
                var actual = config.Servers.FirstOrDefault(s => s.Modules.Contains(route.Route));
                diagnostics.Error(path, $"server '{route.Server}' does not host module '{route.Route}'.",
                    actual is not null
                        ? $"route {route.Route} to {actual.Name}, the server that hosts it."
                        : $"add {route.Route} to servers.{route.Server}.modules, or remove this route.");
            }
        }
    }
}
