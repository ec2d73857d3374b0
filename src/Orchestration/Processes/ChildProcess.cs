using System.Diagnostics;

namespace Orchestration.Processes;

/// <summary>How a child ended: its exit code, or the signal that ended it (code 128+n).</summary>
public sealed record ChildExit(int ExitCode, DateTimeOffset ExitedAt)
{
    public int? Signal => ExitCode > 128 && ExitCode < 160 ? ExitCode - 128 : null;

    public override string ToString() => Signal is { } s ? $"killed by {Posix.SignalName(s)}" : $"exit code {ExitCode}";
}

/// <summary>What the next program of this process needs to go on reading a child: its pipes' descriptors and the partial lines read from them.</summary>
public sealed record ChildPipes(int StdoutFd, int StderrFd, byte[] StdoutPartial, byte[] StderrPartial);

/// <summary>
/// A child of the supervisor in a session (and process group) of its own, started through
/// <c>setsid</c>, whose stdout and stderr go line by line to <c>onLine</c>.
/// <see cref="Exited"/> completes when the process itself has exited and been reaped, not when its
/// output closes: a child of the crashed program (an nginx worker, a <c>sleep</c> a shell left
/// behind) may hold the pipes open for as long as it lives, and an exit seen only at EOF was an exit
/// not seen at all. Ending those leftovers is the caller's job.
/// </summary>
/// <remarks>
/// System.Diagnostics.Process starts it (CliWrap's task completes only once the pipes are drained,
/// and it does not expose the process's own exit), and the runtime reaps it on SIGCHLD. Its pipes are
/// read from their descriptors (<see cref="PipeLines"/>), not with BeginOutputReadLine, so that a
/// supervisor that replaces its own program (exec, same pid) can hand them on: the next program
/// <see cref="Adopt"/>s the child, reads the inherited descriptors, and reaps it with waitpid. The
/// runtime never reaps a pid it did not start (System.Native's SIGCHLD handling waits only for the
/// pids of its Process objects, unless SIGCHLD was ignored or it runs as pid 1), so that waitpid
/// races nobody.
/// </remarks>
public sealed class ChildProcess
{
    private readonly Process? _process;
    private readonly TaskCompletionSource<ChildExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PipeLines? _stdout;
    private PipeLines? _stderr;
    private string[] _launchers = ["setsid"];

    private ChildProcess(ProcessSpec spec, Process? process)
    {
        Spec = spec;
        _process = process;
    }

    public ProcessSpec Spec { get; }
    public int Pid { get; private set; }
    public Task<ChildExit> Exited => _exited.Task;
    public bool HasExited => Exited.IsCompleted;

    /// <summary>True for a child the previous program of this supervisor started (reaped with waitpid here).</summary>
    public bool IsAdopted => _process is null;

    /// <summary>Completes when both stdout and stderr have closed: every line the child printed has been handed on.</summary>
    public Task OutputClosed => Task.WhenAll(_stdout?.Closed ?? Task.CompletedTask, _stderr?.Closed ?? Task.CompletedTask);

    /// <summary>Its own group: <c>setsid</c> makes the child a session and group leader.</summary>
    public int ProcessGroup => Pid;

    /// <summary>
    /// Every start goes through here, one at a time: while <see cref="HandedSockets"/> are made
    /// inheritable for one child, no other child may be started and inherit them too.
    /// </summary>
    private static readonly object SpawnGate = new();

    /// <param name="sockets">Listening sockets the child takes over (a replacement instance); null for none.</param>
    public static ChildProcess Start(ProcessSpec spec, Action<string> onLine, HandedSockets? sockets = null)
    {
        var start = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            WorkingDirectory = spec.WorkingDirectory,
        };
        if (sockets is not null)
        {
            // bash, not sh: dash cannot name a descriptor above 9.
            start.ArgumentList.Add("/bin/bash");
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(sockets.LauncherScript());
        }
        foreach (var arg in spec.Argv) start.ArgumentList.Add(arg);
        foreach (var (key, value) in spec.Environment) start.Environment[key] = value;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(spec, process) { _launchers = sockets is null ? ["setsid"] : ["setsid", "bash"] };
        process.Exited += (_, _) => child.OnExited();
        lock (SpawnGate)
        {
            try
            {
                foreach (var fd in sockets?.Descriptors ?? []) Posix.SetCloseOnExec(fd, false);
                process.Start();
            }
            catch
            {
                process.Dispose();
                throw;
            }
            finally
            {
                foreach (var fd in sockets?.Descriptors ?? []) Posix.SetCloseOnExec(fd, true);
            }
        }
        child.Pid = process.Id;
        child._stdout = PipeLines.Read(PipeHandle(process.StandardOutput), onLine);
        child._stderr = PipeLines.Read(PipeHandle(process.StandardError), onLine);
        if (process.HasExited) child.OnExited(); // exited before the handler could see it
        return child;
    }

    private static System.Runtime.InteropServices.SafeHandle PipeHandle(StreamReader reader) => reader.BaseStream switch
    {
        System.IO.Pipes.PipeStream pipe => pipe.SafePipeHandle,
        FileStream file => file.SafeFileHandle,
        var other => throw new InvalidOperationException($"unexpected stream {other.GetType()} for a child's pipe"),
    };

    /// <summary>
    /// Takes on a child the previous program of this process started: reads the pipes it inherited
    /// (<paramref name="pipes"/>), and waits for the child's exit with waitpid, which also reaps it.
    /// </summary>
    public static ChildProcess Adopt(ProcessSpec spec, int pid, ChildPipes? pipes, Action<string> onLine)
    {
        var child = new ChildProcess(spec, null) { Pid = pid };
        if (pipes is not null)
        {
            if (pipes.StdoutFd >= 0) child._stdout = PipeLines.Adopt(pipes.StdoutFd, pipes.StdoutPartial, onLine);
            if (pipes.StderrFd >= 0) child._stderr = PipeLines.Adopt(pipes.StderrFd, pipes.StderrPartial, onLine);
        }
        new Thread(() => child.Reap()) { IsBackground = true, Name = $"waitpid {pid}" }.Start();
        return child;
    }

    private void Reap()
    {
        var code = Posix.WaitForChild(Pid);
        if (code is null)
        {
            // Not our child (it was reaped before we took it on): its exit code is gone; its end is not.
            while (ProcInfo.IsRunning(Pid)) Thread.Sleep(50);
            code = 255;
        }
        _exited.TrySetResult(new ChildExit(code.Value, DateTimeOffset.Now));
    }

    /// <summary>
    /// Stops reading this child's pipes and lets their descriptors survive exec, for the next program
    /// of this process; null when the child has exited (nothing to hand on).
    /// </summary>
    public ChildPipes? FreezeForHandOver()
    {
        if (HasExited) return null;
        var stdout = _stdout?.Freeze();
        var stderr = _stderr?.Freeze();
        return new ChildPipes(stdout is null ? -1 : _stdout!.Fd, stderr is null ? -1 : _stderr!.Fd, stdout ?? [], stderr ?? []);
    }

    /// <summary>Reads on after a hand-over that did not happen.</summary>
    public void ResumeAfterHandOver()
    {
        _stdout?.Resume();
        _stderr?.Resume();
    }

    private void OnExited()
    {
        int code;
        try
        {
            code = _process!.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return; // not exited yet: the Exited event follows
        }
        // The runtime reports a death by signal as 128+n, as the shell does.
        _exited.TrySetResult(new ChildExit(code, DateTimeOffset.Now));
    }

    /// <summary>
    /// The identity once <c>setsid</c> (and the socket launcher's bash) has exec'd the real program;
    /// null when the child has already exited.
    /// </summary>
    public async Task<ProcessIdentity?> CaptureIdentityAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < 100; i++)
        {
            var info = ProcInfo.Read(Pid);
            if (info is null || info.HasExited || HasExited) return null;
            if (info.Argv.Count > 0 && !_launchers.Contains(Path.GetFileName(info.Argv[0])))
                return new ProcessIdentity(Pid, info.StartTicks, info.Argv, info.Executable);
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
        return ProcessIdentity.Capture(Pid);
    }
}
