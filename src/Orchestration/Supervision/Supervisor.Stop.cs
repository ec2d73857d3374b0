using Orchestration.Processes;
using Orchestration.State;

namespace Orchestration.Supervision;

public sealed partial class Supervisor
{
    /// <summary>
    /// The guide's shutdown: nginx SIGQUIT and wait, then every instance SIGTERM to its group, bounded
    /// wait, SIGKILL to the group; then check every port is free and remove state and pid files.
    /// </summary>
    public async Task<StopReport> StopAllAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _stopping = true;
        StopWatching(); // a reload in progress ends (its replacement is stopped) and frees the gate
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _stopping = true;
            _logs.Event($"Stopping (timeout {timeout.TotalSeconds:0.###} s)");
            var outcomes = new List<StopOutcome>();
            foreach (var p in _processes) p.Stopping = true;
            outcomes.AddRange(await StopKindAsync(ProcessKind.Nginx, timeout, cancellationToken).ConfigureAwait(false));
            outcomes.AddRange(await StopKindAsync(ProcessKind.Instance, timeout, cancellationToken).ConfigureAwait(false));
            var busy = await PortRelease.WaitFreeAsync(_processes.Select(p => (p.Port, p.Kind == ProcessKind.Nginx ? _plan.GatewayAddress : "127.0.0.1")), cancellationToken).ConfigureAwait(false);
            var report = new StopReport(outcomes, busy);
            await CompilerServer.ShutdownAsync(cancellationToken).ConfigureAwait(false);
            foreach (var o in outcomes) _logs.Event($"{o.Name} (pid {o.Pid}): {o.Result} in {o.Elapsed.TotalMilliseconds:0} ms");
            if (report.Clean)
            {
                lock (_stateGate)
                {
                    _store.Clear();
                    _cleared = true;
                }
                _logs.Event("Stopped");
            }
            else
            {
                SaveState();
                _logs.Event("Stop left something behind: " + report.Describe(), "ERROR");
            }
            return report;
        }
        finally
        {
            _gate.Release();
            _stopped.Cancel();
        }
    }

    /// <summary>Stops one instance and starts it again (same port), counting a restart.</summary>
    public async Task<string?> RestartInstanceAsync(string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var process = _processes.FirstOrDefault(p => p.Name == name && p.Kind == ProcessKind.Instance);
            if (process is null)
                return $"No instance named '{name}'. Instances: {string.Join(", ", _processes.Where(p => p.Kind == ProcessKind.Instance).Select(p => p.Name))}";
            await StopProcessAsync(process, timeout, cancellationToken).ConfigureAwait(false);
            process.Restarts++;
            await SpawnAsync(process, cancellationToken).ConfigureAwait(false);
            return null;
        }
        finally
        {
            _gate.Release();
            SaveState();
        }
    }

    private async Task<IReadOnlyList<StopOutcome>> StopKindAsync(ProcessKind kind, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var targets = _processes.Where(p => p.Kind == kind).ToList();
        var outcomes = await Task.WhenAll(targets.Select(p => StopProcessAsync(p, timeout, cancellationToken))).ConfigureAwait(false);
        return outcomes.OfType<StopOutcome>().ToList();
    }

    private async Task<StopOutcome?> StopProcessAsync(SupervisedProcess process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (process.Child is null || process.Identity is null) return null;
        process.Stopping = true;
        if (process.Child.HasExited)
            return new StopOutcome(process.Name, process.Child.Pid, StopResult.NotRunning, TimeSpan.Zero);
        var record = process.ToRecord(string.Empty);
        var outcome = await ProcessTerminator.StopOneAsync(record.ToStopRequest(), timeout, cancellationToken).ConfigureAwait(false);
        // The runtime reaps at once; wait for our own bookkeeping to see it, briefly.
        await Task.WhenAny(process.Child.Exited, Task.Delay(500, cancellationToken)).ConfigureAwait(false);
        return outcome;
    }
}

/// <summary>The result of a stop: every process's outcome and any port still taken.</summary>
public sealed record StopReport(IReadOnlyList<StopOutcome> Outcomes, IReadOnlyList<PortRelease.BusyPort> BusyPorts)
{
    public bool Clean => Outcomes.All(o => !o.Survived) && BusyPorts.Count == 0;

    public string Describe() => string.Join("; ",
        Outcomes.Where(o => o.Survived).Select(o => $"{o.Name} (pid {o.Pid}) survived SIGKILL")
            .Concat(BusyPorts.Select(b => b.ToString())));
}
