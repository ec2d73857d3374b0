using CliWrap;

namespace Orchestration.Processes;

/// <summary>How a child ended: its exit code, or the signal that ended it (code 128+n).</summary>
public sealed record ChildExit(int ExitCode, DateTimeOffset ExitedAt)
{
    public int? Signal => ExitCode > 128 && ExitCode < 160 ? ExitCode - 128 : null;

    public override string ToString() => Signal is { } s ? $"killed by {Posix.SignalName(s)}" : $"exit code {ExitCode}";
}

/// <summary>
/// A child of the supervisor in a session (and process group) of its own, started through
/// <c>setsid</c>, whose stdout and stderr go line by line to <paramref name="onLine"/>. The
/// runtime reaps it at once; <see cref="Exited"/> completes when it has.
/// </summary>
public sealed class ChildProcess
{
    private ChildProcess(ProcessSpec spec, int pid, Task<ChildExit> exited)
    {
        Spec = spec;
        Pid = pid;
        Exited = exited;
    }

    public ProcessSpec Spec { get; }
    public int Pid { get; }
    public Task<ChildExit> Exited { get; }
    public bool HasExited => Exited.IsCompleted;

    /// <summary>Its own group: <c>setsid</c> makes the child a session and group leader.</summary>
    public int ProcessGroup => Pid;

    public static ChildProcess Start(ProcessSpec spec, Action<string> onLine)
    {
        var command = Cli.Wrap("setsid")
            .WithArguments(spec.Argv)
            .WithWorkingDirectory(spec.WorkingDirectory)
            .WithEnvironmentVariables(spec.Environment.ToDictionary(kv => kv.Key, kv => (string?)kv.Value))
            .WithStandardOutputPipe(PipeTarget.ToDelegate(onLine))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(onLine))
            .WithValidation(CommandResultValidation.None);
        var task = command.ExecuteAsync();
        var exited = WaitAsync(task);
        return new ChildProcess(spec, task.ProcessId, exited);
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

    private static async Task<ChildExit> WaitAsync(CommandTask<CommandResult> task)
    {
        var result = await task.ConfigureAwait(false);
        return new ChildExit(result.ExitCode, result.ExitTime);
    }
}
