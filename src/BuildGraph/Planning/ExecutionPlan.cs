using BuildGraph.Graph;

namespace BuildGraph.Planning;

/// <summary>A target in the plan: whether it was asked for, and why it is skipped (null: it will run).</summary>
internal sealed record PlannedTarget(TargetNode Node, bool Invoked, string? SkipReason)
{
    public string Name => Node.Name;
}

/// <summary>The ordered targets of one run.</summary>
internal sealed record ExecutionPlan(IReadOnlyList<PlannedTarget> Targets)
{
    public IEnumerable<string> Names => Targets.Select(t => t.Name);

    public IEnumerable<string> Invoked => Targets.Where(t => t.Invoked).Select(t => t.Name);
}
