using System.Text.Json;
using Orchestration.Config;
using Orchestration.IO;
using Orchestration.Processes;
using Orchestration.State;

namespace Orchestration.Supervision;

/// <summary>
/// Everything the supervisor needs, resolved by Start from the validated config and handed over as
/// <c>.local/plan.json</c>: the supervisor never parses YAML and never guesses.
/// </summary>
public sealed record SupervisorPlan
{
    public required string ConfigPath { get; init; }

    /// <summary><see cref="Config.ConfigFingerprint"/> of the resolved deployment this plan was made from.</summary>
    public string ConfigHash { get; init; } = "";
    public required string LocalDir { get; init; }
    public required IReadOnlyList<InstancePlan> Instances { get; init; }
    public required ProcessSpec Nginx { get; init; }
    public required int GatewayPort { get; init; }
    public required string GatewayAddress { get; init; }
    public double StopTimeoutSeconds { get; init; } = 3;

    /// <summary>The dotnet host that runs .NET backends and builds them on a code change.</summary>
    public string Dotnet { get; init; } = "dotnet";

    /// <summary>Health checks of a replacement during a reload.</summary>
    public HealthSettings Health { get; init; } = new();

    /// <summary>When and how the logs the supervisor writes (and nginx's) are rotated.</summary>
    public LogSettings Logs { get; init; } = new();

    /// <summary>Crash restarts: backoff, its reset after a stable run, and when to give up.</summary>
    public RestartPolicy Restart { get; init; } = new();

    public string ApiBaseUrl { get; init; } = "/api/v1";
    public IReadOnlyList<WatchPlan> Watch { get; init; } = [];

    /// <summary>Where a watch reload rewrites the spec files (and clients); null: specs are off.</summary>
    public Specs.SpecLayout? Specs { get; init; }

    public void Save(string path) => AtomicFile.WriteAllText(path, StateJson.Serialize(this, SupervisionJson.Options));

    public static SupervisorPlan Load(string path) =>
        StateJson.Deserialize<SupervisorPlan>(File.ReadAllText(path), SupervisionJson.Options)
        ?? throw new InvalidDataException($"{path} holds no supervisor plan");
}

public sealed record InstancePlan
{
    public required ProcessSpec Process { get; init; }
    public required string Server { get; init; }
    public required int Port { get; init; }
    public required IReadOnlyList<string> Modules { get; init; }

    /// <summary>The backup port nginx lists for this instance (watch mode's replacement starts there); 0 for none.</summary>
    public int SparePort { get; init; }

    /// <summary>Its replacements take over its listening socket (see <see cref="Processes.HandedSockets"/>) instead of moving to the spare port and back.</summary>
    public bool SocketHandOff { get; init; }

    /// <summary>A command server's argv with <c>{port}</c> still in it, so a replacement can listen elsewhere.</summary>
    public IReadOnlyList<string>? ArgvTemplate { get; init; }

    /// <summary>A stamp of the .NET build it runs (its output's files, sizes and times): Apply replaces instances whose build changed.</summary>
    public string? Build { get; init; }
}

/// <summary>
/// A folder the supervisor watches for code changes, and the reload: true servers it reloads: one
/// watcher and one build per project, however many servers run it.
/// </summary>
public sealed record WatchPlan
{
    public required IReadOnlyList<string> Servers { get; init; }
    public required string Directory { get; init; }
    public IReadOnlyList<string> Include { get; init; } = ["**/*"];

    /// <summary>The .NET project to rebuild after a change; null for a command server, which is only restarted.</summary>
    public string? Project { get; init; }
}
