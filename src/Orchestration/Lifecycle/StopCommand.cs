using Orchestration.Builds;
using Orchestration.Config;
using Orchestration.IO;
using Orchestration.Processes;
using Orchestration.State;
using Orchestration.Supervision;

namespace Orchestration.Lifecycle;

/// <summary>
/// Stop: asks the supervisor; when it is gone (killed, crashed), stops every recorded process that is
/// still provably ours from <c>state.json</c> alone, nginx first, then verifies every port is free.
/// </summary>
public sealed class StopCommand(LocalPaths paths)
{
    public sealed record Result(bool WasRunning, StopReport Report, bool ViaSupervisor);

    public async Task<Result> RunAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var store = new StateStore(paths);
        var state = store.Load();
        var client = new ControlClient(paths.ControlSocket);
        if (state is null)
        {
            // No record, but maybe a supervisor that has not written one: ask it, never guess a pid.
            return await client.StopAsync(timeout, cancellationToken).ConfigureAwait(false) is { } stopped
                ? new Result(true, stopped, true)
                : new Result(false, new StopReport([], []), false);
        }

        if (state.Supervisor.Identity.FindAlive() is not null && await client.StopAsync(timeout, cancellationToken).ConfigureAwait(false) is { } report)
        {
            // It exits as soon as its answer is written; one that does not within 3 s is ended like any process of ours.
            if (!await Poll.UntilAsync(() => state.Supervisor.Identity.FindAlive() is null, TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false))
            {
                var outcome = await ProcessTerminator.StopOneAsync(state.Supervisor.ToStopRequest(), timeout, cancellationToken).ConfigureAwait(false);
                report = report with { Outcomes = [.. report.Outcomes, outcome] };
            }
            return new Result(true, report, true);
        }
        return new Result(true, await StopFromStateAsync(state, store, timeout, cancellationToken).ConfigureAwait(false), false);
    }

    /// <summary>The supervisor is gone: end what state.json proves ours, nginx first, then instances, then the supervisor record.</summary>
    private static async Task<StopReport> StopFromStateAsync(DeploymentState state, StateStore store, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var outcomes = new List<StopOutcome>();
        foreach (var group in state.Processes.Append(state.Supervisor).GroupBy(p => p.Kind switch { ProcessKind.Nginx => 0, ProcessKind.Instance => 1, _ => 2 }).OrderBy(g => g.Key))
        {
            var requests = group.Where(p => p.Pid > 0 && p.StartTicks > 0).Select(p => p.ToStopRequest());
            outcomes.AddRange(await ProcessTerminator.StopAsync(requests, timeout, cancellationToken).ConfigureAwait(false));
        }
        var ports = state.Processes.Select(p => (p.Port, "127.0.0.1"));
        var busy = await PortRelease.WaitFreeAsync(ports, cancellationToken).ConfigureAwait(false);
        var report = new StopReport(outcomes, busy);
        await new CompilerServer(store.Paths, Environment.ProcessPath ?? "dotnet").ShutdownAsync(cancellationToken).ConfigureAwait(false);
        if (report.Clean) store.Clear();
        return report;
    }

}
