using System.Text;

namespace Orchestration.Tests.Support;

/// <summary>Writes the YAML of a random valid deployment (seeded, so a failure can be replayed).</summary>
public static class RandomDeployment
{
    private static readonly string[] BaseUrls = ["/api/v1", "/api", "/v2", "/gw/api.v3"];
    private static readonly string[] Workers = ["auto", "1", "2", "4"];

    public static string Yaml(int seed, string localDir)
    {
        var random = new Random(seed);
        var servers = random.Next(1, 5);
        var bundled = servers <= 2 && random.Next(2) == 0;
        var yaml = new StringBuilder();
        var port = 9000 + random.Next(0, 100) * 10;
        yaml.AppendLine($"api_base_url: {BaseUrls[random.Next(BaseUrls.Length)]}");
        yaml.AppendLine($"local_dir: {localDir}");
        yaml.AppendLine("nginx:");
        yaml.AppendLine($"  port: {port}");
        yaml.AppendLine($"  listen: {(random.Next(2) == 0 ? "127.0.0.1" : "0.0.0.0")}");
        yaml.AppendLine($"  worker_processes: {Workers[random.Next(Workers.Length)]}");
        yaml.AppendLine($"  worker_connections: {random.Next(64, 8192)}");
        yaml.AppendLine("servers:");
        var routes = new List<(string Module, string Server)>();
        string[] bundledModules = ["broker", "datafeed"];
        for (var s = 0; s < servers; s++)
        {
            var name = $"svc{s}-{(char)('a' + random.Next(26))}";
            var instances = random.Next(1, 4);
            port += 1 + random.Next(0, 5);
            yaml.AppendLine($"  {name}:");
            yaml.AppendLine($"    port: {port}");
            yaml.AppendLine($"    instances: {instances}");
            port += instances;
            var modules = bundled ? [bundledModules[s]] : Enumerable.Range(0, random.Next(0, 3)).Select(m => $"m{s}_{m}").ToArray();
            yaml.AppendLine($"    modules: [core{string.Concat(modules.Select(m => ", " + m))}]");
            if (!bundled) yaml.AppendLine("    command: [python3, app.py, --port, \"{port}\"]");
            routes.AddRange(modules.Where(_ => random.Next(3) > 0).Select(m => (m, name)));
        }
        yaml.AppendLine("websocket:");
        yaml.AppendLine($"  routing_strategy: {(random.Next(2) == 0 ? "path" : "query_param")}");
        yaml.AppendLine($"  query_param_name: {(random.Next(2) == 0 ? "type" : "route_name")}");
        if (routes.Count > 0)
        {
            yaml.AppendLine("websocket_routes:");
            foreach (var (module, server) in routes) yaml.AppendLine($"  {module}: {server}");
        }
        return yaml.ToString();
    }
}
