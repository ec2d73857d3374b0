using System.Globalization;
using BuildGraph.Execution;

namespace BuildGraph.Reporting;

/// <summary>The table at the end of a run: target, status, duration, and the total.</summary>
internal static class SummaryWriter
{
    public static IReadOnlyList<string> Lines(BuildResult result, DateTime finishedAt)
    {
        var nameWidth = Math.Max(20, result.Targets.Select(t => t.Name.Length).DefaultIfEmpty(0).Max() + 2);
        var rule = new string('═', nameWidth + 24);
        var lines = new List<string> { "", rule, Row("Target", "Status", "Duration", nameWidth).TrimEnd(), new string('─', rule.Length) };
        foreach (var run in result.Targets)
        {
            var duration = run.Status is ExecutionStatus.Succeeded or ExecutionStatus.Failed or ExecutionStatus.Aborted ? Format(run.Duration) : "";
            var reason = run.Status is ExecutionStatus.Succeeded || run.Reason is null ? "" : FirstLine(run.Reason);
            lines.Add($"{Row(run.Name, run.Status.ToString(), duration, nameWidth)}   {reason}".TrimEnd());
        }

        var total = result.Targets.Aggregate(TimeSpan.Zero, (sum, run) => sum + run.Duration);
        lines.Add(new string('─', rule.Length));
        lines.Add(Row("Total", "", Format(total), nameWidth).TrimEnd());
        lines.Add(rule);
        lines.Add("");
        var when = finishedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        lines.Add(result.Succeeded ? $"Build succeeded on {when}." : $"Build failed on {when}.");
        return lines;
    }

    public static string Format(TimeSpan duration) => duration.TotalSeconds < 60
        ? duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : $"{(int)duration.TotalMinutes}:{duration.Seconds:00} min";

    private static string Row(string name, string status, string duration, int nameWidth) =>
        $"{name.PadRight(nameWidth)}{status,-12}{duration,10}";

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
