using BuildGraph.Graph;

namespace BuildGraph.Planning;

/// <summary>
/// Pure planning: the invoked targets, everything they depend on or trigger, in topological order.
/// Ties break by declaration order (the smallest declared target that is ready goes first).
/// </summary>
internal static class ExecutionPlanner
{
    /// <param name="graph">All targets.</param>
    /// <param name="invoked">Target names asked for (case-insensitive).</param>
    /// <param name="skip">Null: skip nothing; empty: skip everything not invoked; else the named targets.</param>
    public static ExecutionPlan Plan(TargetGraph graph, IReadOnlyList<string> invoked, IReadOnlyList<string>? skip = null)
    {
        if (invoked.Count == 0)
            throw new BuildUsageException("No target to run. Name one, for example: ./build.sh " + graph.Listed.FirstOrDefault()?.Name);

        var invokedNodes = invoked.Select(name => Resolve(graph, name)).Distinct().ToList();
        var skipNodes = skip?.Select(name => Resolve(graph, name)).ToList();
        ThrowOnCycle(graph);

        var included = Include(graph, invokedNodes);
        var ordered = Order(graph, included);

        var invokedNames = invokedNodes.Select(n => n.Name).ToHashSet();
        var skipped = new Dictionary<string, string>();
        foreach (var node in ordered.Where(n => !invokedNames.Contains(n.Name)))
        {
            if (skipNodes is { Count: 0 } || skipNodes?.Contains(node) == true)
                skipped[node.Name] = "--skip";
        }

        SkipCascade.Apply(ordered, invokedNames, skipped, _ => true);
        return new ExecutionPlan(ordered
            .Select(n => new PlannedTarget(n, invokedNames.Contains(n.Name), skipped.GetValueOrDefault(n.Name)))
            .ToList());
    }

    public static TargetNode Resolve(TargetGraph graph, string name) =>
        graph.Find(name) ?? throw new BuildUsageException(
            $"Target '{name}' does not exist. Available targets are: {string.Join(", ", graph.Listed.Select(t => t.Name))}.");

    /// <summary>Edges "X runs after Y": dependencies, After/Before, and triggers (a triggered target runs after its trigger).</summary>
    public static ILookup<string, string> RunsAfter(TargetGraph graph) =>
        graph.Targets
            .SelectMany(t => t.DependsOn.Concat(t.After).Select(d => (From: t.Name, To: d))
                .Concat(t.Triggers.Select(trigger => (From: trigger, To: t.Name))))
            .Distinct()
            .ToLookup(e => e.From, e => e.To);

    private static HashSet<TargetNode> Include(TargetGraph graph, IEnumerable<TargetNode> invoked)
    {
        var included = new HashSet<TargetNode>();
        var pending = new Stack<TargetNode>(invoked);
        while (pending.TryPop(out var node))
        {
            if (!included.Add(node))
                continue;
            foreach (var name in node.DependsOn.Concat(node.Triggers))
                pending.Push(graph[name]);
        }

        return included;
    }

    private static List<TargetNode> Order(TargetGraph graph, HashSet<TargetNode> included)
    {
        var runsAfter = RunsAfter(graph);
        var waitingFor = included.ToDictionary(
            n => n.Name, n => runsAfter[n.Name].Count(other => included.Contains(graph[other])));
        var ready = new PriorityQueue<TargetNode, int>();
        foreach (var node in included.Where(n => waitingFor[n.Name] == 0))
            ready.Enqueue(node, node.Order);

        var ordered = new List<TargetNode>();
        while (ready.TryDequeue(out var node, out _))
        {
            ordered.Add(node);
            foreach (var next in included.Where(n => runsAfter[n.Name].Contains(node.Name)))
            {
                if (--waitingFor[next.Name] == 0)
                    ready.Enqueue(next, next.Order);
            }
        }

        return ordered;
    }

    private static void ThrowOnCycle(TargetGraph graph)
    {
        var runsAfter = RunsAfter(graph);
        var state = new Dictionary<string, bool>(); // false: on the current path, true: done
        var path = new List<string>();

        void Visit(string name)
        {
            if (state.TryGetValue(name, out var done))
            {
                if (done)
                    return;
                var cycle = path.Skip(path.IndexOf(name)).Append(name);
                throw new BuildUsageException("Circular dependency: " + string.Join(" -> ", cycle));
            }

            state[name] = false;
            path.Add(name);
            foreach (var next in runsAfter[name].OrderBy(n => graph[n].Order))
                Visit(next);
            path.RemoveAt(path.Count - 1);
            state[name] = true;
        }

        foreach (var target in graph.Targets)
            Visit(target.Name);
    }
}
