using Orchestration.Config;

namespace Orchestration.Lifecycle;


/// <summary>What ValidatePorts found: nothing of the deployment running, or a stack from this config or an older one.</summary>
public enum Preflight
{
    PortsFree,
    Running,

    /// <summary>Running, started from (or last applied) an earlier version of the config: Start applies the change live.</summary>
    RunningOlderConfig,
}

/// <summary>
/// ValidatePorts: before anything starts. A running stack of this deployment means "already running"
/// (from this config, or from an older one that Start then applies); leftovers of a crashed run, proven ours, are stopped;
/// a port held by anyone else refuses the Start, naming the holder and leaving it alone.
/// </summary>
public static class StartPreflight
{
    /// <exception cref="RefusedException">A port is taken, or leftovers would not stop.</exception>
    public static async Task<Preflight> RunAsync(DeploymentConfig config, TimeSpan stopTimeout, Action<string> warn, CancellationToken cancellationToken)
    {
        var stack = await RunningStack.ReadAsync(config.Paths, cancellationToken).ConfigureAwait(false);
        if (stack.SupervisorAlive)
            return stack.State is { } running && running.ConfigHash != ConfigFingerprint.Of(config) ? Preflight.RunningOlderConfig : Preflight.Running;
        if (stack.LiveProcesses.Count > 0)
        {
            warn("Cleaning leftovers of an earlier run whose supervisor is gone: " +
                string.Join(", ", stack.LiveProcesses.Select(p => $"{p.Name} (pid {p.Pid})")));
            var stopped = await new StopCommand(config.Paths).RunAsync(stopTimeout, cancellationToken).ConfigureAwait(false);
            if (!stopped.Report.Clean) throw new RefusedException("Could not clean the leftovers: " + stopped.Report.Describe());
        }
        var conflicts = PortCheck.Find(config);
        if (conflicts.Count > 0)
            throw new RefusedException("Ports in use; nothing was started and nothing was stopped:\n  " +
                string.Join("\n  ", conflicts) + "\nFree them or change the ports in " + config.ConfigPath + ".");
        return Preflight.PortsFree;
    }
}
