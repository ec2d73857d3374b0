using System.Diagnostics;

namespace Orchestration.Processes;

/// <summary>How a child ended: its exit code, or the signal that ended it (code 128+n).</summary>
public sealed record ChildExit(int ExitCode, DateTimeOffset ExitedAt)
{
    public int? Signal => ExitCode > 128 && ExitCode < 160 ? ExitCode - 128 : null;

    public override string ToString() => Signal is { } s ? $"killed by {Posix.SignalName(s)}" : $"exit code {ExitCode}";
}

/// <summary>
/// A child of the supervisor in a session (and process group) of its own, started through
/// <c>setsid</c>, whose stdout and stderr go line by line to <paramref name="onLine"/>.
/// <see cref="Exited"/> completes when the process itself has exited and been reaped (the runtime's
/// SIGCHLD handling), not when its output closes: a child of the crashed program (an nginx worker,
/// a <c>sleep</c> a shell left behind) may hold the pipes open for as long as it lives, and an exit
/// seen only at EOF was an exit not seen at all. Ending those leftovers is the caller's job.
/// </summary>
/// <remarks>
/// System.Diagnostics.Process rather than CliWrap here: CliWrap's task completes only once the
/// pipes are drained, and it does not expose the process's own exit.
/// </remarks>
public sealed class ChildProcess
{
    private readonly Process _process;
    private readonly TaskCompletionSource<ChildExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly Action<string> _onLine;

    private ChildProcess(ProcessSpec spec, Process process, Action<string> onLine)
    {
        Spec = spec;
        _process = process;
        _onLine = onLine;
    }

    public ProcessSpec Spec { get; }
    public int Pid { get; private set; }
    public Task<ChildExit> Exited => _exited.Task;
    public bool HasExited => Exited.IsCompleted;

    /// <summary>Completes when both stdout and stderr have closed: every line the child printed has been handed on.</summary>
    public Task OutputClosed => Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task);

    /// <summary>Its own group: <c>setsid</c> makes the child a session and group leader.</summary>
    public int ProcessGroup => Pid;

    public static ChildProcess Start(ProcessSpec spec, Action<string> onLine)
    {
        var start = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            WorkingDirectory = spec.WorkingDirectory,
        };
        foreach (var arg in spec.Argv) start.ArgumentList.Add(arg);
        foreach (var (key, value) in spec.Environment) start.Environment[key] = value;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(spec, process, onLine);
        process.OutputDataReceived += (_, e) => child.Relay(e.Data, child._stdoutClosed);
        process.ErrorDataReceived += (_, e) => child.Relay(e.Data, child._stderrClosed);
        process.Exited += (_, _) => child.OnExited();
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }
        child.Pid = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (process.HasExited) child.OnExited(); // exited before the handler could see it
        return child;
    }

    private void Relay(string? line, TaskCompletionSource closed)
    {
        if (line is null) closed.TrySetResult(); // end of stream
        else _onLine(line);
    }

    private void OnExited()
    {
        int code;
        try
        {
            code = _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return; // not exited yet: the Exited event follows
        }
        // The runtime reports a death by signal as 128+n, as the shell does.
        _exited.TrySetResult(new ChildExit(code, DateTimeOffset.Now));
    }

    /// <summary>
    /// The identity once <c>setsid</c> has exec'd the real program (argv no longer starts with setsid);
    /// null when the child has already exited.
    /// </summary>
    public async Task<ProcessIdentity?> CaptureIdentityAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < 100; i++)
        {
            var info = ProcInfo.Read(Pid);
            if (info is null || info.HasExited || HasExited) return null;
            if (info.Argv.Count > 0 && Path.GetFileName(info.Argv[0]) != "setsid")
                return new ProcessIdentity(Pid, info.StartTicks, info.Argv, info.Executable);
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
        return ProcessIdentity.Capture(Pid);
    }
}
