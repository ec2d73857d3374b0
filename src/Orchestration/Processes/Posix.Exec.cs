using System.Runtime.InteropServices;
using System.Text;

namespace Orchestration.Processes;

/// <summary>
/// What a process needs to replace its own program in place and keep its children: file
/// descriptors that survive <c>execve</c>, reading a pipe without the runtime's streams, and
/// reaping a child that System.Diagnostics.Process did not start.
/// </summary>
public static partial class Posix
{
    private const int EINTR = 4;
    private const int EAGAIN = 11;
    private const int ECHILD = 10;
    private const int F_GETFD = 1;
    private const int F_SETFD = 2;
    private const int FD_CLOEXEC = 1;
    private const short POLLIN = 0x001;
    private const int SIG_SETMASK = 2;

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int SysFcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int SysWaitPid(int pid, out int status, int options);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint SysRead(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static unsafe partial int SysPoll(PollFd* fds, nuint count, int timeout);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int SysClose(int fd);

    [LibraryImport("libc", EntryPoint = "execve", SetLastError = true)]
    private static partial int SysExecve(nint path, nint[] argv, nint[] envp);

    [LibraryImport("libc", EntryPoint = "sigprocmask", SetLastError = true)]
    private static unsafe partial int SysSigprocmask(int how, byte* set, byte* oldSet);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>Whether <paramref name="fd"/> closes on exec (false: the next program inherits it).</summary>
    public static void SetCloseOnExec(int fd, bool closeOnExec)
    {
        var flags = SysFcntl(fd, F_GETFD, 0);
        if (flags < 0) throw new IOException($"fcntl({fd}, F_GETFD) failed: errno {Marshal.GetLastPInvokeError()}");
        var next = closeOnExec ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
        if (next != flags && SysFcntl(fd, F_SETFD, next) < 0)
            throw new IOException($"fcntl({fd}, F_SETFD) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public static bool IsCloseOnExec(int fd)
    {
        var flags = SysFcntl(fd, F_GETFD, 0);
        if (flags < 0) throw new IOException($"fcntl({fd}, F_GETFD) failed: errno {Marshal.GetLastPInvokeError()}");
        return (flags & FD_CLOEXEC) != 0;
    }

    /// <summary>True when <paramref name="fd"/> is an open descriptor of this process.</summary>
    public static bool IsOpen(int fd) => fd >= 0 && SysFcntl(fd, F_GETFD, 0) >= 0;

    public static void Close(int fd) => SysClose(fd);

    /// <summary>Asks for a pipe buffer of <paramref name="bytes"/> (F_SETPIPE_SZ; up to /proc/sys/fs/pipe-max-size unprivileged); false when refused.</summary>
    public static bool TryGrowPipe(int fd, int bytes)
    {
        const int F_SETPIPE_SZ = 1031;
        return SysFcntl(fd, F_SETPIPE_SZ, bytes) >= 0;
    }

    /// <summary>A second descriptor for the same open file (dup), closed on exec.</summary>
    /// <param name="lowest">The lowest number the copy may take.</param>
    public static int Duplicate(int fd, int lowest = 0)
    {
        const int F_DUPFD_CLOEXEC = 1030;
        var copy = SysFcntl(fd, F_DUPFD_CLOEXEC, lowest);
        if (copy < 0) throw new IOException($"fcntl({fd}, F_DUPFD_CLOEXEC) failed: errno {Marshal.GetLastPInvokeError()}");
        return copy;
    }

    /// <summary>Blocks until <paramref name="fd"/> has data or is closed at the other end (then a read returns 0).</summary>
    public static unsafe void WaitReadable(int fd)
    {
        var poll = new PollFd { Fd = fd, Events = POLLIN };
        while (SysPoll(&poll, 1, -1) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) throw new IOException($"poll({fd}) failed: errno {errno}");
        }
    }

    /// <summary>One read(2): the byte count, 0 at end of file, -1 when nothing is there yet (EAGAIN).</summary>
    public static unsafe int Read(int fd, byte[] buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var n = SysRead(fd, p, buffer.Length);
                if (n >= 0) return (int)n;
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EAGAIN) return -1;
                if (errno != EINTR) throw new IOException($"read({fd}) failed: errno {errno}");
            }
        }
    }

    /// <summary>
    /// Blocks until the child <paramref name="pid"/> has exited and reaps it: its exit code, or 128+n
    /// for a death by signal n (as the shell and the runtime report it); null when it is not our child
    /// (someone else reaped it).
    /// </summary>
    public static int? WaitForChild(int pid)
    {
        while (true)
        {
            var result = SysWaitPid(pid, out var status, 0);
            if (result == pid) return ExitCodeOf(status);
            var errno = Marshal.GetLastPInvokeError();
            if (errno == EINTR) continue;
            if (errno == ECHILD) return null;
            throw new InvalidOperationException($"waitpid({pid}) failed: errno {errno}");
        }
    }

    /// <summary>Decodes a wait status: WEXITSTATUS, or 128 + WTERMSIG.</summary>
    public static int ExitCodeOf(int status) => (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);

    private const int SIG_BLOCK = 0;
    private const int SIG_UNBLOCK = 1;

    /// <summary>The signals that stop the supervisor: held back across an exec until the next program handles them.</summary>
    private static readonly int[] StopSignals = [SIGHUP, SIGINT, SIGTERM];

    /// <summary>A sigset_t (glibc: 1024 bits) with these signals in it.</summary>
    private static byte[] SignalSet(IEnumerable<int> signals)
    {
        var set = new byte[128];
        foreach (var s in signals) set[(s - 1) / 8] |= (byte)(1 << ((s - 1) % 8));
        return set;
    }

    private static unsafe void Mask(int how, byte[] set)
    {
        fixed (byte* p = set) SysSigprocmask(how, p, null);
    }

    /// <summary>
    /// Lets SIGTERM, SIGINT and SIGHUP through on this thread again: a program started by
    /// <see cref="Exec"/> calls it once its own handlers are in place, and one that arrived during the
    /// exec is delivered now instead of killing the process with its children's supervision half handed over.
    /// </summary>
    public static void UnblockStopSignals() => Mask(SIG_UNBLOCK, SignalSet(StopSignals));

    /// <summary>
    /// Replaces this process's program (same pid, same children, every descriptor without
    /// FD_CLOEXEC kept). Returns only on failure, with the reason. exec keeps the calling thread's
    /// signal mask: SIGTERM, SIGINT and SIGHUP are blocked across it (between the exec and the next
    /// runtime's handlers their default action would end the process) and nothing else is, so the
    /// next program receives them once it calls <see cref="UnblockStopSignals"/>.
    /// </summary>
    public static unsafe string Exec(string path, IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> environment)
    {
        var allocated = new List<nint>();
        nint Utf8(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s + "\0");
            var p = Marshal.AllocHGlobal(bytes.Length);
            Marshal.Copy(bytes, 0, p, bytes.Length);
            allocated.Add(p);
            return p;
        }
        try
        {
            var pathPtr = Utf8(path);
            var args = argv.Select(Utf8).Append(0).ToArray();
            var env = environment.Select(e => Utf8($"{e.Key}={e.Value}")).Append(0).ToArray();
            var before = new byte[128];
            fixed (byte* p = before) SysSigprocmask(SIG_BLOCK, null, p);
            Mask(SIG_SETMASK, SignalSet(StopSignals));
            SysExecve(pathPtr, args, env);
            var errno = Marshal.GetLastPInvokeError();
            Mask(SIG_SETMASK, before);
            return $"execve({path}) failed: errno {errno}";
        }
        finally
        {
            foreach (var p in allocated) Marshal.FreeHGlobal(p);
        }
    }
}
