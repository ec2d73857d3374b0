namespace BuildGraph.Graph;

/// <summary>
/// One target of the graph, with relations resolved to names. <see cref="After"/> holds every ordering
/// constraint (its own After plus the others' Before); <see cref="Triggers"/> every trigger (its own
/// Triggers plus the others' TriggeredBy). <see cref="Order"/> is the declaration order.
/// </summary>
internal sealed record TargetNode(string Name, int Order)
{
    public string? Description { get; init; }
    public bool Listed { get; init; } = true;
    public IReadOnlyList<string> DependsOn { get; init; } = [];
    public IReadOnlyList<string> After { get; init; } = [];
    public IReadOnlyList<string> Triggers { get; init; } = [];
    public IReadOnlyList<Func<bool>> StaticConditions { get; init; } = [];
    public IReadOnlyList<Func<bool>> DynamicConditions { get; init; } = [];
    public IReadOnlyList<Requirement> Requirements { get; init; } = [];
    public IReadOnlyList<Func<CancellationToken, Task>> Actions { get; init; } = [];
    public bool ProceedAfterFailure { get; init; }
    public bool AssuredAfterFailure { get; init; }
}
