using System.Text.Json;
using Orchestration.State;

namespace Orchestration.Supervision;

/// <summary>The supervisor's commands, one JSON line per connection on the owner-only socket.</summary>
public static class ControlCommands
{
    public const string Ping = "ping";
    public const string Status = "status";
    public const string Started = "started";
    public const string StartNginx = "start-nginx";
    public const string ReloadNginx = "reload-nginx";
    public const string Restart = "restart";

    /// <summary>Replaces the named instances one by one with no failed request (<see cref="ControlRequest.Names"/>, <see cref="ControlRequest.PlanPath"/>).</summary>
    public const string RollingRestart = "rolling-restart";
    public const string Stop = "stop";
    public const string LogsClean = "logs-clean";
}

/// <param name="Names">rolling-restart: the instances to replace, in order.</param>
/// <param name="PlanPath">rolling-restart: a plan whose instances' specs (new build, new env) the replacements run.</param>
public sealed record ControlRequest(string Command, string? Name = null, double? Timeout = null, IReadOnlyList<string>? Names = null, string? PlanPath = null);

public sealed record ControlResponse
{
    public bool Ok { get; init; }
    public string? Error { get; init; }
    public DeploymentState? State { get; init; }
    public StopReport? Stop { get; init; }

    public static ControlResponse Success(DeploymentState? state = null) => new() { Ok = true, State = state };
    public static ControlResponse Failure(string error) => new() { Ok = false, Error = error };
}

internal static class ControlJson
{
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Compact);

    public static T? Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Compact);

    private static readonly JsonSerializerOptions Compact = new(StateJson.Options) { WriteIndented = false };
}
