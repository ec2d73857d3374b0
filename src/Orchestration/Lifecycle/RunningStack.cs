using Orchestration.Config;
using Orchestration.Processes;
using Orchestration.State;
using Orchestration.Supervision;

namespace Orchestration.Lifecycle;

/// <summary>
/// What of a deployment is running now, proven ours: the supervisor's answer when it is alive,
/// otherwise <c>state.json</c> checked process by process against /proc (start time and argv).
/// </summary>
public sealed record RunningStack(DeploymentState? State, bool SupervisorAlive, IReadOnlyList<ProcessRecord> LiveProcesses)
{
    public bool IsEmpty => !SupervisorAlive && LiveProcesses.Count == 0;

    /// <summary>Whether this deployment's supervisor is alive (from state.json, checked against /proc; no socket round trip).</summary>
    public static bool IsUp(LocalPaths paths) => new StateStore(paths).Load()?.Supervisor.Identity.FindAlive() is not null;

    public static async Task<RunningStack> ReadAsync(LocalPaths paths, CancellationToken cancellationToken)
    {
        var store = new StateStore(paths);
        var client = new ControlClient(paths.ControlSocket);
        var stored = store.Load();
        var supervisorAlive = stored?.Supervisor.Identity.FindAlive() is not null;
        DeploymentState? state = stored;
        if (supervisorAlive)
        {
            if (await client.StatusAsync(cancellationToken).ConfigureAwait(false) is { } live) state = live;
        }
        var processes = state?.Processes.Where(p => p.Identity.FindAlive() is not null).ToList() ?? [];
        return new RunningStack(state, supervisorAlive, processes);
    }
}
