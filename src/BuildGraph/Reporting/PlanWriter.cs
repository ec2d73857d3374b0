using System.Text;
using BuildGraph.Graph;
using BuildGraph.Planning;

namespace BuildGraph.Reporting;

/// <summary><c>--plan</c>: the ordered plan as text, and the graph of the planned targets as Mermaid.</summary>
internal static class PlanWriter
{
    public static IReadOnlyList<string> Lines(ExecutionPlan plan)
    {
        var lines = new List<string> { $"Execution plan for {string.Join(", ", plan.Invoked)}:", "" };
        var width = plan.Targets.Select(t => t.Name.Length).DefaultIfEmpty(0).Max() + 2;
        lines.AddRange(plan.Targets.Select((t, i) =>
        {
            var note = t.SkipReason is not null ? $"skipped ({t.SkipReason})" : t.Invoked ? "invoked" : "";
            var after = t.Node.DependsOn.Count > 0 ? "after " + string.Join(", ", t.Node.DependsOn) : "";
            return $"  {i + 1,2}. {t.Name.PadRight(width)}{string.Join("; ", new[] { note, after }.Where(s => s.Length > 0))}".TrimEnd();
        }));
        return lines;
    }

    /// <summary>Mermaid flowchart: solid arrows for dependencies, dotted for ordering, thick for triggers.</summary>
    public static string Mermaid(ExecutionPlan plan)
    {
        var planned = plan.Names.ToHashSet();
        var text = new StringBuilder();
        text.AppendLine("# Execution plan").AppendLine();
        text.AppendLine($"Targets: {string.Join(" → ", plan.Names)}").AppendLine();
        text.AppendLine("```mermaid").AppendLine("graph LR");
        foreach (var target in plan.Targets)
        {
            text.AppendLine($"  {target.Name}{(target.SkipReason is null ? $"[{target.Name}]" : $"[{target.Name} - skipped]")}");
            Edges(text, target.Node.DependsOn, target.Name, "-->", planned);
            Edges(text, target.Node.After.Except(target.Node.DependsOn), target.Name, "-.->", planned);
            foreach (var triggered in target.Node.Triggers.Where(planned.Contains))
                text.AppendLine($"  {target.Name} ==> {triggered}");
        }

        return text.AppendLine("```").ToString();
    }

    private static void Edges(StringBuilder text, IEnumerable<string> from, string to, string arrow, HashSet<string> planned)
    {
        foreach (var source in from.Where(planned.Contains))
            text.AppendLine($"  {source} {arrow} {to}");
    }
}
