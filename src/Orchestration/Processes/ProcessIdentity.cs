namespace Orchestration.Processes;

/// <summary>
/// Who a process is, beyond its pid: its start time (clock ticks after boot) and its program. A pid
/// can be reused by another program; pid + start time + program cannot (process-safety rule 1).
/// The program is /proc/&lt;pid&gt;/exe when known, because argv is not stable: nginx rewrites its
/// own into "nginx: master process …" once it runs. Argv is kept for reports and as the fallback.
/// </summary>
public sealed record ProcessIdentity(int Pid, long StartTicks, IReadOnlyList<string> Argv, string? Executable = null)
{
    public static ProcessIdentity? Capture(int pid) =>
        ProcInfo.Read(pid) is { } info ? new ProcessIdentity(pid, info.StartTicks, info.Argv, info.Executable) : null;

    /// <summary>True when <paramref name="info"/> is still this very process.</summary>
    public bool Matches(ProcInfo? info) =>
        info is not null && info.Pid == Pid && info.StartTicks == StartTicks &&
        (Executable is not null ? info.Executable == Executable : info.Argv.SequenceEqual(Argv));

    /// <summary>The live, not-exited process with this identity, or null when it is gone or the pid was reused.</summary>
    public ProcInfo? FindAlive() => ProcInfo.Read(Pid) is { HasExited: false } info && Matches(info) ? info : null;
}
