using System.Runtime.InteropServices;

namespace Orchestration.Processes;

public static partial class Posix
{
    private const long SYS_pidfd_open = 434;
    private const long SYS_pidfd_getfd = 438;

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long SysCall3(long number, long a, long b, long c);

    /// <summary>
    /// A copy, in this process, of descriptor <paramref name="fd"/> of process <paramref name="pid"/>
    /// (pidfd_open + pidfd_getfd, Linux 5.6; closed on exec); null with the reason when the kernel
    /// refuses (too old, a seccomp filter, no ptrace right over that process).
    /// </summary>
    public static int? CopyDescriptorOf(int pid, int fd, out string? why)
    {
        var pidfd = (int)SysCall3(SYS_pidfd_open, pid, 0, 0);
        if (pidfd < 0)
        {
            why = $"pidfd_open({pid}) failed: errno {Marshal.GetLastPInvokeError()}";
            return null;
        }
        try
        {
            var copy = (int)SysCall3(SYS_pidfd_getfd, pidfd, fd, 0);
            why = copy < 0 ? $"pidfd_getfd(pid {pid}, fd {fd}) failed: errno {Marshal.GetLastPInvokeError()}" : null;
            return copy < 0 ? null : copy;
        }
        finally
        {
            SysClose(pidfd);
        }
    }
}
