using System.Text.Json.Serialization;
using System.Diagnostics;
using Orchestration.IO;

namespace Orchestration.Processes;

/// <summary>A process this tool started, as recorded: what to signal and how to ask it to leave.</summary>
public sealed record StopRequest(string Name, ProcessIdentity Identity, int ProcessGroup, int GracefulSignal, bool SignalGroupGracefully);

/// <summary>What happened to one process during a stop.</summary>
public sealed record StopOutcome(string Name, int Pid, StopResult Result, TimeSpan Elapsed)
{
    public bool Survived => Result == StopResult.Survived;
}

[JsonConverter(typeof(SnakeCaseEnum<StopResult>))]
public enum StopResult
{
    /// <summary>Was not running (or the pid now belongs to someone else, who is left alone).</summary>
    NotRunning,
    Graceful,
    Forced,
    Survived,
}

/// <summary>
/// Stops recorded processes: graceful signal, bounded wait, SIGKILL to the group (STYLE rule 4,
/// DESIGN rule 7). Each pid is checked against its recorded identity before every signal (rule 1);
/// exit is read from /proc state so a zombie counts as gone (rule 4).
/// </summary>
public static class ProcessTerminator
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(2);

    public static async Task<IReadOnlyList<StopOutcome>> StopAsync(IEnumerable<StopRequest> requests, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var tasks = requests.Select(r => StopOneAsync(r, timeout, cancellationToken)).ToList();
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    public static async Task<StopOutcome> StopOneAsync(StopRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var pid = request.Identity.Pid;
        var leaderOurs = request.Identity.FindAlive() is not null;
        if (!leaderOurs && !GroupIsOurs(request.ProcessGroup, request))
            return new StopOutcome(request.Name, pid, StopResult.NotRunning, clock.Elapsed);

        if (leaderOurs)
        {
            if (request.SignalGroupGracefully) Posix.KillGroup(request.ProcessGroup, request.GracefulSignal);
            else Posix.Kill(pid, request.GracefulSignal);
        }
        else
        {
            Posix.KillGroup(request.ProcessGroup, Posix.SIGTERM);
        }

        if (await WaitGoneAsync(request, timeout, cancellationToken).ConfigureAwait(false))
            return new StopOutcome(request.Name, pid, StopResult.Graceful, clock.Elapsed);

        if (GroupIsOurs(request.ProcessGroup, request)) Posix.KillGroup(request.ProcessGroup, Posix.SIGKILL);
        var gone = await WaitGoneAsync(request, KillGrace, cancellationToken).ConfigureAwait(false);
        return new StopOutcome(request.Name, pid, gone ? StopResult.Forced : StopResult.Survived, clock.Elapsed);
    }

    /// <summary>Waits until the leader has exited and no member of its group is left.</summary>
    private static Task<bool> WaitGoneAsync(StopRequest request, TimeSpan limit, CancellationToken cancellationToken) =>
        Poll.UntilAsync(() => request.Identity.FindAlive() is null && ProcInfo.GroupMembers(request.ProcessGroup).Count == 0, limit, PollEvery, cancellationToken);

    /// <summary>
    /// A group whose leader has gone is still ours when its members are in the leader's session:
    /// Linux never hands out a pid that is still in use as a group or session id.
    /// </summary>
    private static bool GroupIsOurs(int pgid, StopRequest request) =>
        pgid == request.Identity.Pid && pgid > 1 &&
        ProcInfo.GroupMembers(pgid).Any(m => ProcInfo.Read(m) is { } info && info.Session == pgid);
}
