using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Orchestration.IO;
using Orchestration.Processes;

namespace Orchestration.State;

/// <summary>
/// What is running for one deployment, as <c>.local/state.json</c> records it. Written only by the
/// supervisor (atomically); read by Stop, Status and Start, also when the supervisor is gone.
/// </summary>
public sealed record DeploymentState
{
    public required ProcessRecord Supervisor { get; init; }

    /// <summary>The build of the tool the supervisor runs, and whether it replaced itself in place (null from an older supervisor).</summary>
    public SupervisorProgramRecord? SupervisorProgram { get; init; }
    public required string ConfigPath { get; init; }
    public string ConfigHash { get; init; } = "";
    public required DateTimeOffset StartedAt { get; init; }
    public IReadOnlyList<ProcessRecord> Processes { get; init; } = [];
    public IReadOnlyList<WatchRecord> Watch { get; init; } = [];

    /// <summary>The live operation in progress (Apply, Scale, a rolling Restart), or the last one's outcome.</summary>
    public OperationRecord? Operation { get; init; }
}

/// <summary>The supervisor's program: its stamp and folder, and its last hand-over to a new build in place (same pid).</summary>
public sealed record SupervisorProgramRecord
{
    public required string Stamp { get; init; }
    public required string Directory { get; init; }

    /// <summary>How many times the supervisor has replaced its program in place.</summary>
    public int Replacements { get; init; }
    public DateTimeOffset? ReplacedAt { get; init; }
    public string? ReplacedFrom { get; init; }

    /// <summary>From the old program's execve to the new one supervising every child again.</summary>
    public double? HandOverMilliseconds { get; init; }
}

/// <summary>One live operation on a running stack: what, since when, and (once over) how it ended.</summary>
public sealed record OperationRecord
{
    public required string Name { get; init; }
    public string? Detail { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Why it stopped; null when it succeeded (or is still running).</summary>
    public string? Error { get; init; }

    [JsonIgnore]
    public bool InProgress => FinishedAt is null;
}

[JsonConverter(typeof(SnakeCaseEnum<ProcessKind>))]
public enum ProcessKind
{
    Supervisor,
    Instance,
    Nginx,
}

[JsonConverter(typeof(SnakeCaseEnum<ProcessStatus>))]
public enum ProcessStatus
{
    Starting,
    Running,
    Restarting,
    Exited,
    Stopped,

    /// <summary>Crashed in a loop and given up (restart.max_restarts): out of service until a Restart.</summary>
    Errored,

    /// <summary>Handed to the developer (Detach): not run by the supervisor, its port still in the gateway's rotation, until Attach.</summary>
    Detached,
}

public sealed record ProcessRecord
{
    public required string Name { get; init; }
    public required ProcessKind Kind { get; init; }
    public string? Server { get; init; }
    public int Port { get; init; }
    public IReadOnlyList<string> Modules { get; init; } = [];
    public required int Pid { get; init; }
    public required int ProcessGroup { get; init; }
    public required long StartTicks { get; init; }
    public required IReadOnlyList<string> Argv { get; init; }
    public string? Executable { get; init; }
    public required ProcessStatus Status { get; init; }
    public int? ExitCode { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? ExitedAt { get; init; }
    public int Restarts { get; init; }
    public string? Log { get; init; }

    [JsonIgnore]
    public ProcessIdentity Identity => new(Pid, StartTicks, Argv, Executable);

    [JsonIgnore]
    public bool IsNginx => Kind == ProcessKind.Nginx;

    /// <summary>How Stop asks this process to leave: nginx SIGQUIT to its master, others SIGTERM to the group.</summary>
    public StopRequest ToStopRequest() => Kind == ProcessKind.Nginx
        ? new StopRequest(Name, Identity, ProcessGroup, Posix.SIGQUIT, SignalGroupGracefully: false)
        : new StopRequest(Name, Identity, ProcessGroup, Posix.SIGTERM, SignalGroupGracefully: true);
}

/// <summary>Watch-mode facts per server, shown by Status.</summary>
public sealed record WatchRecord
{
    public required string Server { get; init; }
    public bool Watching { get; init; }

    /// <summary>The watch builds' compiler server has compiled once (edits from now on build fast).</summary>
    public bool CompilerWarm { get; init; }
    public int Builds { get; init; }
    public DateTimeOffset? LastReloadAt { get; init; }
    public double? LastReloadSeconds { get; init; }
    public string? LastReloadResult { get; init; }
    public string? LastError { get; init; }
}

/// <summary>
/// The JSON of the files under local_dir, the control socket and Status --json: snake_case names and
/// values, nulls left out. Every type comes from a source-generated context (each folder has one for
/// its own types), so the build program runs the same published Native AOT: no reflection.
/// </summary>
public static class StateJson
{
    public static readonly JsonSerializerOptions Options = With(StateJsonContext.Default);

    /// <summary>These options with a folder's source-generated types.</summary>
    public static JsonSerializerOptions With(IJsonTypeInfoResolver types) => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = types,
    };

    public static string Serialize<T>(T value, JsonSerializerOptions options) => JsonSerializer.Serialize(value, Info<T>(options));

    public static T? Deserialize<T>(string json, JsonSerializerOptions options) => JsonSerializer.Deserialize(json, Info<T>(options));

    private static JsonTypeInfo<T> Info<T>(JsonSerializerOptions options) => (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
}

[JsonSerializable(typeof(DeploymentState))]
[JsonSerializable(typeof(Dictionary<string, int>))]
[JsonSerializable(typeof(SortedDictionary<string, int>))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
