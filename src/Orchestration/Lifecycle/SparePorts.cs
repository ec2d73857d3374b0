using System.Text.Json;
using Orchestration.Config;
using Orchestration.IO;
using Orchestration.Processes;
using Orchestration.State;

namespace Orchestration.Lifecycle;

/// <summary>
/// One spare port per instance: nginx lists it as a backup of the upstream, and a watch reload or a
/// rolling Restart starts the replacement there before the instance stops. Chosen when the
/// gateway config is generated and kept in <c>.local/spare-ports.json</c>, so a later GenerateNginx
/// or ReloadNginx of a running stack names the same ports the supervisor uses.
/// </summary>
public static class SparePorts
{
    public static IReadOnlyDictionary<string, int> Reserve(DeploymentConfig config)
    {
        var file = Path.Combine(config.LocalDir, "spare-ports.json");
        var kept = Load(file);
        var running = RunningStack.IsUp(config.Paths);
        var taken = config.Ports.ToHashSet();
        var result = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var instance in config.Instances)
        {
            // A running stack's spare must stay the same; otherwise a kept one is reused while free.
            if (kept.TryGetValue(instance.Name, out var port) && !taken.Contains(port) && (running || PortProbe.IsFree(port)))
            {
                result[instance.Name] = port;
                taken.Add(port);
                continue;
            }
            do port = PortProbe.PickFree();
            while (taken.Contains(port));
            result[instance.Name] = port;
            taken.Add(port);
        }
        PrivateDirectory.Create(config.LocalDir);
        AtomicFile.WriteAllText(file, StateJson.Serialize(result, StateJson.Options));
        return result;
    }

    private static Dictionary<string, int> Load(string file)
    {
        try
        {
            return File.Exists(file) ? StateJson.Deserialize<Dictionary<string, int>>(File.ReadAllText(file), StateJson.Options) ?? [] : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
