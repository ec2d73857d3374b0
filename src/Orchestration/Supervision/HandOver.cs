using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestration.IO;
using Orchestration.Processes;
using Orchestration.State;

namespace Orchestration.Supervision;

/// <summary>
/// What a supervisor hands to the next program of its own process (<c>.local/handover.json</c>): it
/// replaces itself with execve, keeping its pid, its children and the descriptors listed here, and
/// the next program reads this file to take every child on as it was (see
/// <see cref="Supervisor.ReplaceSelfAsync"/>). Owner-only, written atomically.
/// </summary>
public sealed record HandOver
{
    /// <summary>The format; a program that reads another refuses the hand-over (and the old one keeps running).</summary>
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;
    public required int SupervisorPid { get; init; }

    /// <summary>When the supervisor was first started (hand-overs do not restart its clock).</summary>
    public required DateTimeOffset SupervisorStartedAt { get; init; }

    /// <summary>The program that handed over, and the one it executes.</summary>
    public required string FromProgram { get; init; }
    public required string ToProgram { get; init; }

    /// <summary>When the old program called execve: the hand-over's time is measured from here.</summary>
    public DateTimeOffset ExecutedAt { get; init; }

    /// <summary>How many times this supervisor has replaced itself, this one included.</summary>
    public int Replacements { get; init; }

    /// <summary>The control socket's listening descriptor: connections made during the hand-over wait in its backlog.</summary>
    public int ListenerFd { get; init; } = -1;

    /// <summary>The connection of the request that asked for the hand-over: the next program answers it.</summary>
    public int ReplyFd { get; init; } = -1;

    /// <summary>Start had seen the stack healthy: crashes are restarted.</summary>
    public bool AutoRestart { get; init; }

    /// <summary>The hash of the nginx config the running nginx read (a reload is due only when the file differs).</summary>
    public string? NginxConfigHash { get; init; }

    public OperationRecord? Operation { get; init; }
    public required IReadOnlyList<HandedOverProcess> Processes { get; init; }

    public void Save(string path) => AtomicFile.WriteAllText(path, StateJson.Serialize(this, SupervisionJson.Options));

    public static HandOver Load(string path)
    {
        var handOver = StateJson.Deserialize<HandOver>(File.ReadAllText(path), SupervisionJson.Options)
            ?? throw new InvalidDataException($"{path} holds no hand-over");
        if (handOver.Format != CurrentFormat)
            throw new InvalidDataException($"{path} is hand-over format {handOver.Format}; this program reads format {CurrentFormat}");
        return handOver;
    }
}

/// <summary>One process of the supervisor as handed over: what it is in the stack, and the child running it (if any).</summary>
public sealed record HandedOverProcess
{
    public required ProcessSpec Spec { get; init; }
    public required ProcessKind Kind { get; init; }
    public string? Server { get; init; }
    public required int Port { get; init; }
    public required int ConfiguredPort { get; init; }
    public int SparePort { get; init; }
    public bool SocketHandOff { get; init; }
    public IReadOnlyList<string> Modules { get; init; } = [];
    public IReadOnlyList<string>? ArgvTemplate { get; init; }
    public required ProcessStatus Status { get; init; }
    public int Restarts { get; init; }
    public int UnstableStarts { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public bool Detached { get; init; }
    public int? ExitCode { get; init; }
    public DateTimeOffset? ExitedAt { get; init; }

    /// <summary>The running child, null when there is none (exited, detached, waiting for its restart).</summary>
    public HandedOverChild? Child { get; init; }
}

/// <summary>A running child: who it is (pid + start time + program, so nothing else is taken for it) and its pipes.</summary>
public sealed record HandedOverChild
{
    public required int Pid { get; init; }
    public required long StartTicks { get; init; }
    public string? Executable { get; init; }
    public IReadOnlyList<string> Argv { get; init; } = [];
    public int StdoutFd { get; init; } = -1;
    public int StderrFd { get; init; } = -1;
    public byte[] StdoutPartial { get; init; } = [];
    public byte[] StderrPartial { get; init; } = [];

    [JsonIgnore]
    public ProcessIdentity Identity => new(Pid, StartTicks, Argv, Executable);

    [JsonIgnore]
    public ChildPipes Pipes => new(StdoutFd, StderrFd, StdoutPartial, StderrPartial);
}
