using Orchestration.Processes;
using Orchestration.State;

namespace Orchestration.Supervision;

/// <summary>The supervisor's runtime view of one child: owned and mutated by <see cref="Supervisor"/> only.</summary>
internal sealed class SupervisedProcess(ProcessSpec spec, ProcessKind kind, string? server, int port, IReadOnlyList<string> modules, CrashPolicy crashes)
{
    /// <summary>This process's crash history: the next restart's delay, or that it is given up.</summary>
    public CrashPolicy Crashes { get; set; } = crashes;

    public ProcessSpec Spec { get; set; } = spec;
    public ProcessKind Kind { get; } = kind;
    public string? Server { get; } = server;
    public int Port { get; set; } = port;

    /// <summary>The port the config gives this instance (port + i); <see cref="Port"/> differs only mid-reload.</summary>
    public int ConfiguredPort { get; } = port;

    /// <summary>The backup port nginx lists for this instance: where a replacement starts during a reload.</summary>
    public int SparePort { get; init; }

    /// <summary>A replacement takes over this instance's listening socket (<see cref="HandedSockets"/>) instead of moving to the spare port and back.</summary>
    public bool SocketHandOff { get; set; }

    /// <summary>A command server's argv with {port} left in, to start a replacement on another port.</summary>
    public IReadOnlyList<string>? ArgvTemplate { get; set; }
    public IReadOnlyList<string> Modules { get; set; } = modules;
    public string Name => Spec.Name;

    public ChildProcess? Child { get; set; }
    public ProcessIdentity? Identity { get; set; }
    public ProcessStatus Status { get; set; } = ProcessStatus.Starting;
    public ChildExit? LastExit { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public int Restarts { get; set; }

    /// <summary>Set while the supervisor itself is ending this child, so its exit is not a crash.</summary>
    public bool Stopping { get; set; }

    /// <summary>Detached: the developer runs this instance (under a debugger); the supervisor leaves its port alone until Attach.</summary>
    public bool Detached { get; set; }

    /// <summary>
    /// A child that exec'd another program (a command's <c>exec $APP</c>) is still this child, with the
    /// same pid and start time: its pid cannot be reused before we reap it, so the program on record
    /// follows it. Otherwise an identity taken before the exec would no longer match, and Status and
    /// Stop would take the running instance for gone. Call under the state gate.
    /// </summary>
    public void RefreshIdentity()
    {
        if (Child is not { HasExited: false } child || Identity is not { StartTicks: > 0 } known) return;
        if (ProcessIdentity.Capture(child.Pid) is { Executable: not null } now && now.StartTicks == known.StartTicks && now.Executable != known.Executable)
            Identity = now;
    }

    public ProcessRecord ToRecord(string logPath) => new()
    {
        Name = Name,
        Kind = Kind,
        Server = Server,
        Port = Port,
        Modules = Modules,
        Pid = Identity?.Pid ?? Child?.Pid ?? 0,
        ProcessGroup = Child?.ProcessGroup ?? 0,
        StartTicks = Identity?.StartTicks ?? 0,
        Argv = Identity?.Argv ?? Spec.Argv,
        Executable = Identity?.Executable,
        Status = Detached ? ProcessStatus.Detached : Status,
        ExitCode = LastExit?.ExitCode,
        StartedAt = StartedAt,
        ExitedAt = LastExit?.ExitedAt,
        Restarts = Restarts,
        Log = logPath,
    };
}
