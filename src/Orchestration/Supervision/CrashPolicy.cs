using Orchestration.Config;

namespace Orchestration.Supervision;

/// <summary>What to do after a crash: restart after <see cref="Delay"/>, or give up (<see cref="GiveUp"/>).</summary>
public sealed record CrashDecision(TimeSpan Delay, bool GiveUp, int UnstableStarts);

/// <summary>
/// One process's crash history, as PM2 and supervisord keep it. A start that ran at least
/// <c>min_uptime</c> was stable: the next crash starts the count (and the backoff) over, so a
/// process that crashes once a day is restarted after the first delay every time. Unstable starts
/// in a row double the delay up to <c>max_backoff</c>; after <c>max_restarts</c> of them the
/// process is given up (errored) until someone restarts it. Pure: no clock of its own, no processes.
/// </summary>
public sealed class CrashPolicy(RestartPolicy policy, int unstableStarts = 0)
{
    private int _unstable = unstableStarts;

    /// <summary>Unstable starts in a row so far.</summary>
    public int UnstableStarts => _unstable;

    /// <summary>Records a crash after <paramref name="uptime"/> and decides what follows.</summary>
    public CrashDecision OnCrash(TimeSpan uptime)
    {
        if (uptime.TotalSeconds >= policy.MinUptimeSeconds) _unstable = 0;
        _unstable++;
        if (_unstable > policy.MaxRestarts) return new CrashDecision(TimeSpan.Zero, GiveUp: true, _unstable - 1);
        var seconds = Math.Min(policy.BackoffSeconds * Math.Pow(2, _unstable - 1), policy.MaxBackoffSeconds);
        return new CrashDecision(TimeSpan.FromSeconds(seconds), GiveUp: false, _unstable);
    }

    /// <summary>A deliberate restart (Restart, a reload) starts the history over.</summary>
    public void Reset() => _unstable = 0;
}
