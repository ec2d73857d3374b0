using BuildGraph.Graph;

namespace BuildGraph.Execution;

/// <summary>What became of a target. <see cref="Scheduled"/> and <see cref="Running"/> only occur during a run.</summary>
public enum ExecutionStatus
{
    Scheduled,
    Running,
    Succeeded,
    Failed,
    Skipped,
    NotRun,
    Aborted,
}

/// <summary>The runtime state of one planned target; owned by <see cref="TargetExecutor"/>.</summary>
internal sealed class TargetRun(TargetNode node, bool invoked)
{
    public TargetNode Node { get; } = node;
    public string Name => Node.Name;
    public bool Invoked { get; } = invoked;
    public ExecutionStatus Status { get; set; } = ExecutionStatus.Scheduled;
    public string? Reason { get; set; }
    public TimeSpan Duration { get; set; }
}

/// <summary>The outcome of a run.</summary>
internal sealed record BuildResult(IReadOnlyList<TargetRun> Targets, bool Cancelled)
{
    public bool Succeeded => !Cancelled && Targets.All(t => t.Status is ExecutionStatus.Succeeded or ExecutionStatus.Skipped);

    public ExecutionStatus StatusOf(string name) => Targets.Single(t => t.Name == name).Status;
}
