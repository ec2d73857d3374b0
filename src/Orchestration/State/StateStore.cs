using System.Globalization;
using System.Text.Json;
using Orchestration.Config;
using Orchestration.IO;

namespace Orchestration.State;

/// <summary>Reads and writes <c>state.json</c> and the guide's <c>pids/&lt;name&gt;.pid</c> files, atomically.</summary>
public sealed class StateStore(LocalPaths paths)
{
    public LocalPaths Paths { get; } = paths;

    public DeploymentState? Load()
    {
        if (!File.Exists(Paths.State)) return null;
        try
        {
            return StateJson.Deserialize<DeploymentState>(File.ReadAllText(Paths.State), StateJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Save(DeploymentState state)
    {
        PrivateDirectory.Create(Paths.Root);
        AtomicFile.WriteAllText(Paths.State, StateJson.Serialize(state, StateJson.Options));
        WritePidFiles(state);
    }

    /// <summary>Removes state.json and every pid file: nothing of this deployment runs any more.</summary>
    public void Clear()
    {
        File.Delete(Paths.State);
        if (Directory.Exists(Paths.Pids))
        {
            foreach (var file in Directory.EnumerateFiles(Paths.Pids, "*.pid")) File.Delete(file);
        }
    }

    private void WritePidFiles(DeploymentState state)
    {
        PrivateDirectory.Create(Paths.Pids);
        var live = new HashSet<string>();
        foreach (var p in state.Processes.Append(state.Supervisor))
        {
            var file = Paths.PidFileFor(p.Name);
            if (p.Pid <= 0 || p.Status is ProcessStatus.Exited or ProcessStatus.Stopped)
            {
                File.Delete(file);
                continue;
            }
            live.Add(file);
            var text = p.Pid.ToString(CultureInfo.InvariantCulture) + "\n";
            if (!File.Exists(file) || File.ReadAllText(file) != text) AtomicFile.WriteAllText(file, text);
        }
        foreach (var file in Directory.EnumerateFiles(Paths.Pids, "*.pid"))
        {
            if (!live.Contains(file)) File.Delete(file);
        }
    }
}
