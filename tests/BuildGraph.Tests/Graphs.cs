using BuildGraph.Execution;
using BuildGraph.Graph;
using BuildGraph.Planning;

namespace BuildGraph.Tests;

/// <summary>Hand-built graphs: targets in declaration order, without reflection or processes.</summary>
internal static class Graphs
{
    public static TargetGraph Of(params TargetNode[] nodes) => new(nodes.Select((n, i) => n with { Order = i }));

    public static TargetNode T(string name, params string[] dependsOn) => new(name, 0) { DependsOn = dependsOn };

    public static string[] Order(ExecutionPlan plan) => plan.Names.ToArray();

    public static Func<CancellationToken, Task> Record(List<string> log, string name) =>
        _ => { log.Add(name); return Task.CompletedTask; };

    public static Func<CancellationToken, Task> Fail(string message) => _ => throw new TargetFailedException(message);

    public static async Task<BuildResult> RunAsync(TargetGraph graph, string[] invoked, string[]? skip = null, CancellationToken cancel = default)
    {
        var executor = new TargetExecutor(ExecutionPlanner.Plan(graph, invoked, skip));
        executor.Prepare();
        return await executor.RunAsync(cancel);
    }
}
