using BuildGraph.Graph;

namespace BuildGraph.Planning;

/// <summary>
/// NUKE's rule for skipped targets: a dependency (or triggered target) that only skipped targets need is
/// skipped too. Invoked targets are never skipped this way.
/// </summary>
internal static class SkipCascade
{
    /// <param name="plan">The planned targets.</param>
    /// <param name="invoked">Names asked for on the command line.</param>
    /// <param name="skipped">Name to skip reason; extended in place.</param>
    /// <param name="isPending">Whether a target can still be skipped (it has not run yet).</param>
    public static void Apply(
        IReadOnlyList<TargetNode> plan, ISet<string> invoked, IDictionary<string, string> skipped, Func<string, bool> isPending)
    {
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var node in plan)
            {
                if (invoked.Contains(node.Name) || skipped.ContainsKey(node.Name) || !isPending(node.Name))
                    continue;

                var neededBy = plan.Where(p => p.DependsOn.Contains(node.Name) || p.Triggers.Contains(node.Name)).ToList();
                if (neededBy.Count > 0 && neededBy.All(p => skipped.ContainsKey(p.Name)))
                {
                    skipped[node.Name] = $"only needed by skipped {string.Join(", ", neededBy.Select(p => p.Name))}";
                    changed = true;
                }
            }
        }
    }
}
