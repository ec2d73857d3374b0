using Orchestration.Processes;
using Orchestration.State;

namespace Orchestration.Supervision;

public sealed partial class Supervisor
{
    /// <summary>
    /// The guide's shutdown, the parts in reverse: watching ends, nginx SIGQUIT and wait, then every
    /// instance SIGTERM to its group, bounded wait, SIGKILL to the group; then check every port is
    /// free and remove state and pid files.
    /// </summary>
    public async Task<StopReport> StopAllAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _context.BeginStopping();
        _watch.Stop(); // a reload in progress ends (its replacement is stopped) and frees the gate
        await _context.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Logs.Event($"Stopping (timeout {timeout.TotalSeconds:0.###} s)");
            List<SupervisedProcess> all;
            lock (_context.StateGate)
            {
                all = [.. _context.Processes];
                foreach (var p in all) p.Stopping = true;
            }
            var outcomes = new List<StopOutcome>();
            outcomes.AddRange(await StopKindAsync(all, ProcessKind.Nginx, timeout, cancellationToken).ConfigureAwait(false));
            outcomes.AddRange(await StopKindAsync(all, ProcessKind.Instance, timeout, cancellationToken).ConfigureAwait(false));
            // A detached instance's port is the developer's process's now: not ours to free.
            var busy = await PortRelease.WaitFreeAsync(all.Where(p => !p.Detached)
                .Select(p => (p.Port, p.Kind == ProcessKind.Nginx ? _context.Plan.GatewayAddress : "127.0.0.1")), cancellationToken).ConfigureAwait(false);
            var report = new StopReport(outcomes, busy);
            await _watch.CompilerServer.ShutdownAsync(cancellationToken).ConfigureAwait(false);
            foreach (var o in outcomes) Logs.Event($"{o.Name} (pid {o.Pid}): {o.Result} in {o.Elapsed.TotalMilliseconds:0} ms");
            if (report.Clean)
            {
                lock (_context.StateGate)
                {
                    _context.Store.Clear();
                    _cleared = true;
                }
                Logs.Event("Stopped");
            }
            else
            {
                SaveState();
                Logs.Event("Stop left something behind: " + report.Describe(), "ERROR");
            }
            return report;
        }
        finally
        {
            _context.Gate.Release();
            _context.MarkStopped();
        }
    }

    private static async Task<IReadOnlyList<StopOutcome>> StopKindAsync(IEnumerable<SupervisedProcess> all, ProcessKind kind, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var outcomes = await Task.WhenAll(all.Where(p => p.Kind == kind).Select(p => ProcessRunner.StopProcessAsync(p, timeout, cancellationToken))).ConfigureAwait(false);
        return outcomes.OfType<StopOutcome>().ToList();
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
