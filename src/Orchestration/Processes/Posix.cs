using System.Runtime.InteropServices;

namespace Orchestration.Processes;

/// <summary>The few libc calls .NET does not expose: signals to a pid or a process group, and who we are.</summary>
public static partial class Posix
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGQUIT = 3;
    public const int SIGKILL = 9;
    public const int SIGUSR1 = 10;
    public const int SIGTERM = 15;
    public const int SIGCONT = 18;
    public const int SIGSTOP = 19;

    private const int ESRCH = 3;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    /// <summary>Sends <paramref name="signal"/> to one process. False when it no longer exists.</summary>
    public static bool Kill(int pid, int signal)
    {
        if (pid <= 1) throw new ArgumentOutOfRangeException(nameof(pid), pid, "refusing to signal pid <= 1");
        if (SysKill(pid, signal) == 0) return true;
        var errno = Marshal.GetLastPInvokeError();
        if (errno == ESRCH) return false;
        throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {errno}");
    }

    /// <summary>Sends <paramref name="signal"/> to a whole process group. False when the group is empty.</summary>
    public static bool KillGroup(int pgid, int signal)
    {
        if (pgid <= 1) throw new ArgumentOutOfRangeException(nameof(pgid), pgid, "refusing to signal process group <= 1");
        if (SysKill(-pgid, signal) == 0) return true;
        var errno = Marshal.GetLastPInvokeError();
        if (errno == ESRCH) return false;
        throw new InvalidOperationException($"kill(-{pgid}, {signal}) failed: errno {errno}");
    }

    public static bool IsRoot => GetEffectiveUserId() == 0;

    public static string SignalName(int signal) => signal switch
    {
        SIGHUP => "SIGHUP",
        SIGINT => "SIGINT",
        SIGQUIT => "SIGQUIT",
        SIGKILL => "SIGKILL",
        SIGUSR1 => "SIGUSR1",
        SIGTERM => "SIGTERM",
        _ => $"signal {signal}",
    };
}
