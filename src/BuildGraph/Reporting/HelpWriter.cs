using BuildGraph.Graph;
using BuildGraph.Parameters;

namespace BuildGraph.Reporting;

/// <summary>The <c>--help</c> text: usage, listed targets with direct dependencies and descriptions, then parameters.</summary>
internal static class HelpWriter
{
    public static IReadOnlyList<string> Lines(TargetGraph graph, IReadOnlyList<ParameterDescriptor> parameters, IReadOnlyCollection<string> defaultTargets)
    {
        var lines = new List<string>
        {
            "Usage: ./build.sh [targets] [--parameter value ...]",
            "",
            "Targets (with their direct dependencies):",
            "",
        };

        var targets = graph.Listed.Select(t => (
            Name: t.Name + (defaultTargets.Contains(t.Name) ? " (default)" : ""),
            Dependencies: t.DependsOn.Count > 0 ? "-> " + string.Join(", ", t.DependsOn) : "",
            t.Description)).ToList();
        var nameWidth = targets.Select(t => t.Name.Length).DefaultIfEmpty(0).Max() + 2;
        var dependencyWidth = targets.Select(t => t.Dependencies.Length).DefaultIfEmpty(0).Max() + 2;
        lines.AddRange(targets.Select(t => $"  {t.Name.PadRight(nameWidth)}{t.Dependencies.PadRight(dependencyWidth)}{t.Description}".TrimEnd()));

        lines.Add("");
        lines.Add("Parameters:");
        lines.Add("");
        (string Option, string Text)[] builtIn =
        [
            ("--target <target...>", "Targets to run (same as naming them first)."),
            ("--skip [target...]", "Skip the named targets; without names, skip all but the invoked ones."),
            ("--plan", "Print the execution plan and write a Mermaid graph to .nuke/temp/plan.md; run nothing."),
            ("--help, -h", "Show this help."),
        ];
        var rows = parameters
            .Select(p => (Option: p.IsFlag ? p.Option : $"{p.Option} <{ValueConverter.ShortName(p.Type)}>", Text: Describe(p)))
            .Concat(builtIn)
            .ToList();
        var optionWidth = rows.Max(r => r.Option.Length) + 2;
        lines.AddRange(rows.Select(r => $"  {r.Option.PadRight(optionWidth)}{r.Text}".TrimEnd()));
        if (parameters.Count > 0)
        {
            var example = parameters[0];
            lines.Add("");
            lines.Add($"Parameters are also read from the environment ({example.Option}: {example.EnvironmentName}) and .nuke/parameters.json.");
        }

        return lines;
    }

    private static string Describe(ParameterDescriptor parameter)
    {
        var text = parameter.Description?.TrimEnd('.') ?? "";
        var shown = parameter.Default switch
        {
            null => null,
            string s when s.Length == 0 => null,
            Array a when a.Length == 0 => null,
            Array a => string.Join(" ", a.Cast<object>()),
            bool b => b ? "true" : null,
            var other => other.ToString(),
        };
        return shown is null ? (text.Length > 0 ? text + "." : "") : $"{text}{(text.Length > 0 ? ". " : "")}Default: {shown}.";
    }
}
