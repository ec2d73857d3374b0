using Orchestration.Config;

namespace Orchestration.Lifecycle;


/// <summary>
/// ValidatePorts: before anything starts. A running stack of this deployment means "already running"
/// (or "Restart to apply the changed config"); leftovers of a crashed run, proven ours, are stopped;
/// a port held by anyone else refuses the Start, naming the holder and leaving it alone.
/// </summary>
public static class StartPreflight
{
    /// <returns>True when this deployment already runs, from this very config.</returns>
    /// <exception cref="RefusedException">A port is taken, leftovers would not stop, or the config changed.</exception>
    public static async Task<bool> RunAsync(DeploymentConfig config, TimeSpan stopTimeout, Action<string> warn, CancellationToken cancellationToken)
    {
        var stack = await RunningStack.ReadAsync(config.Paths, cancellationToken).ConfigureAwait(false);
        if (stack.SupervisorAlive)
        {
            if (stack.State is { } running && running.ConfigHash != ConfigFingerprint.Of(config))
                throw new RefusedException($"This deployment is running, started from an earlier version of {config.ConfigPath}. " +
                    "Run Restart to apply the change.");
            return true;
        }
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
        return false;
    }
}
