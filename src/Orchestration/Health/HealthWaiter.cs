using System.Diagnostics;
using Orchestration.Config;
using Orchestration.Processes;

namespace Orchestration.Health;

/// <summary>
/// A process to wait for: every module's health URL, a way to tell it has died, and a way to tell
/// that the answers came from another program on its port (checked once every URL answers).
/// </summary>
public sealed record HealthTarget(string Name, IReadOnlyList<string> Urls, Func<string?> ExitReason, Func<string?>? Impostor = null)
{
    /// <summary>
    /// An instance on 127.0.0.1:<paramref name="port"/>, started by us as session leader <paramref name="pid"/>.
    /// When <paramref name="listensItself"/> (a .NET project: we run the program that binds the port),
    /// a listener outside its session is an impostor. A <c>command</c> may hand the port to a helper
    /// of another session (docker-proxy for <c>docker run -p</c>), so its answers are taken as they come.
    /// </summary>
    public static HealthTarget Instance(string name, int pid, int port, string apiBaseUrl, IEnumerable<string> modules, Func<string?> exitReason,
        bool listensItself) =>
        new(name,
            modules.Select(m => HealthUrls.For($"http://127.0.0.1:{port}", apiBaseUrl, m)).ToList(),
            exitReason,
            !listensItself ? null : () => PortOwners.Intruder(port, session: pid) is { } other
                ? $"{name} (pid {pid}) is not the one answering on port {port}: {other} listens there. Stop that program or give {name} another port"
                : null);
}

public sealed record HealthFailure(string Name, string Reason, bool ProcessExited);

/// <summary>
/// Waits until every target answers 200 on every URL, all targets in parallel (STYLE rule 6: probes
/// with their own timeout inside an overall deadline, never bare sleeps). The guide's attempts ×
/// interval is the budget; within it each target is probed every 10-50 ms (about 200 probes a second
/// in all, 50 ms from 10 targets on), so a ready server is seen at once, and a process that exits
/// ends its wait at once.
/// </summary>
public sealed class HealthWaiter(HealthProbe probe, HealthSettings settings)
{
    /// <summary>A probe of a port nobody listens on yet is a refused connection and an exception in HttpClient: cheap for a few targets, not for 32 every 10 ms.</summary>
    private static TimeSpan FastPoll(int targets) => TimeSpan.FromMilliseconds(Math.Clamp(5 * targets, 10, 50));

    public async Task<IReadOnlyList<HealthFailure>> WaitAllAsync(IEnumerable<HealthTarget> targets, CancellationToken cancellationToken)
    {
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var all = targets.ToList();
        var poll = TimeSpan.FromSeconds(Math.Min(settings.IntervalSeconds, FastPoll(all.Count).TotalSeconds));
        var waits = all.Select(t => WaitOneAsync(t, poll, failFast, cancellationToken)).ToList();
        var results = await Task.WhenAll(waits).ConfigureAwait(false);
        var failures = results.OfType<HealthFailure>().ToList();
        // A crash is the reason; the others were only cut short by it.
        return failures.Any(f => f.ProcessExited) ? failures.Where(f => f.ProcessExited).ToList() : failures;
    }

    private async Task<HealthFailure?> WaitOneAsync(HealthTarget target, TimeSpan poll, CancellationTokenSource failFast, CancellationToken cancellationToken)
    {
        var budget = TimeSpan.FromSeconds(settings.Attempts * settings.IntervalSeconds);
        var timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds);
        var clock = Stopwatch.StartNew();
        var pending = target.Urls.ToList();
        HealthResult? last = null;
        try
        {
            while (true)
            {
                if (target.ExitReason() is { } exit)
                {
                    await failFast.CancelAsync().ConfigureAwait(false);
                    return new HealthFailure(target.Name, exit, ProcessExited: true);
                }
                // One URL after another, stopping at the first that fails: while a process starts its first module
                // fails like the rest, and each refused probe costs an exception in HttpClient; asking every module
                // at once doubled them (32 instances × 2 modules every 50 ms during Start).
                HealthResult? failed = null;
                while (pending.Count > 0 && failed is null)
                {
                    var result = await probe.ProbeAsync(pending[0], timeout, failFast.Token).ConfigureAwait(false);
                    if (result.Healthy) pending.RemoveAt(0);
                    else failed = result;
                }
                if (pending.Count == 0)
                {
                    if (target.Impostor?.Invoke() is not { } impostor) return null;
                    await failFast.CancelAsync().ConfigureAwait(false);
                    return new HealthFailure(target.Name, impostor, ProcessExited: true);
                }
                last = failed;
                if (clock.Elapsed >= budget)
                    return new HealthFailure(target.Name, $"not healthy after {budget.TotalSeconds:0.#} s ({settings.Attempts} × {settings.IntervalSeconds} s): {last}", false);
                await Task.Delay(poll, failFast.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (failFast.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new HealthFailure(target.Name, $"wait cancelled{(last is null ? "" : $" (last: {last})")}", false);
        }
    }
}
