using System.Text.Json.Serialization;
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

    /// <summary>
    /// Brings the stack to the plan at <see cref="ControlRequest.PlanPath"/> with no failed request; the
    /// instances in <see cref="ControlRequest.Names"/> are replaced even when unchanged (a rolling Restart);
    /// <see cref="ControlRequest.Name"/> names the operation for Status ("apply", "scale", "restart").
    /// </summary>
    public const string Apply = "apply";
    /// <summary>Stops the instance <see cref="ControlRequest.Name"/> (drained) and leaves its port in the gateway for the developer's own process.</summary>
    public const string Detach = "detach";

    /// <summary>Runs the detached instance <see cref="ControlRequest.Name"/> under the supervisor again, health-gated.</summary>
    public const string Attach = "attach";
    public const string Stop = "stop";

    /// <summary>
    /// The supervisor replaces its own program in place (execve, same pid) with <see cref="ControlRequest.Program"/>
    /// run by <see cref="ControlRequest.Dotnet"/>, and takes every child on; the new program answers.
    /// </summary>
    public const string ReplaceSelf = "replace-self";
    public const string LogsClean = "logs-clean";

    /// <summary>The gateway's figures per instance and module, and every process's CPU (<see cref="Metrics.MetricsReport"/>).</summary>
    public const string Metrics = "metrics";

    /// <summary>Starts the dashboard if it is not running and answers its URL with the token (<see cref="ControlResponse.Url"/>); <see cref="ControlRequest.Names"/> is the build program's argv prefix for its buttons, <see cref="ControlRequest.Name"/> its working directory.</summary>
    public const string Dashboard = "dashboard";
}

/// <param name="Names">apply: instances to replace even when unchanged, in order.</param>
/// <param name="PlanPath">apply: the plan the stack is to run.</param>
/// <param name="Program">replace-self: the new build program's entry assembly (in its own copy under local_dir).</param>
/// <param name="Dotnet">replace-self: the dotnet host that runs it; none for the native build program, an executable.</param>
public sealed record ControlRequest(string Command, string? Name = null, double? Timeout = null, IReadOnlyList<string>? Names = null, string? PlanPath = null,
    string? Program = null, string? Dotnet = null);

public sealed record ControlResponse
{
    public bool Ok { get; init; }
    public string? Error { get; init; }
    public DeploymentState? State { get; init; }
    public StopReport? Stop { get; init; }
    public Metrics.MetricsReport? Metrics { get; init; }
    public string? Url { get; init; }

    public static ControlResponse Success(DeploymentState? state = null) => new() { Ok = true, State = state };
    public static ControlResponse Failure(string error) => new() { Ok = false, Error = error };
}

internal static class ControlJson
{
    public static string Serialize<T>(T value) => StateJson.Serialize(value, Compact);

    public static T? Deserialize<T>(string json) => StateJson.Deserialize<T>(json, Compact);

    private static readonly JsonSerializerOptions Compact = new(SupervisionJson.Options) { WriteIndented = false };
}

/// <summary>The supervisor's JSON: the plan, the control socket's requests and answers (state files' options).</summary>
internal static class SupervisionJson
{
    public static readonly JsonSerializerOptions Options = StateJson.With(SupervisionJsonContext.Default);
}

[JsonSerializable(typeof(SupervisorPlan))]
[JsonSerializable(typeof(ControlRequest))]
[JsonSerializable(typeof(ControlResponse))]
[JsonSerializable(typeof(HandOver))]
internal sealed partial class SupervisionJsonContext : JsonSerializerContext;
