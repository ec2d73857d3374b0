namespace Orchestration.Nginx;

/// <summary>
/// What changes in the gateway between the config nginx runs and the next one, as Apply's plan says
/// it: a directive whose value changed ("worker_connections 1024 → 2048"), one added or removed,
/// and the upstream members that follow the instances. Pure text comparison of two rendered files.
/// </summary>
public static class NginxConfigDiff
{
    private const int MaxLines = 8;

    public static IReadOnlyList<string> Between(string running, string next)
    {
        var before = Directives(running);
        var after = Directives(next);
        var removed = Subtract(before, after);
        var added = Subtract(after, before);
        var lines = new List<string>();
        var members = added.Concat(removed).Count(IsUpstreamMember);
        removed.RemoveAll(IsUpstreamMember);
        added.RemoveAll(IsUpstreamMember);
        foreach (var line in removed.ToList())
        {
            var name = Name(line);
            var match = added.FirstOrDefault(a => Name(a) == name);
            if (match is null) continue;
            lines.Add($"{name} {Value(line)} → {Value(match)}");
            removed.Remove(line);
            added.Remove(match);
        }
        lines.AddRange(added.Select(a => "+ " + a));
        lines.AddRange(removed.Select(r => "- " + r));
        // One directive repeated per location or upstream reads once, with its count.
        lines = lines.GroupBy(l => l).Select(g => g.Count() == 1 ? g.Key : $"{g.Key} (×{g.Count()})").ToList();
        if (members > 0) lines.Add("upstream servers follow the instances");
        return lines.Count <= MaxLines ? lines : [.. lines.Take(MaxLines - 1), $"and {lines.Count - MaxLines + 1} more changed lines"];
    }

    private static bool IsUpstreamMember(string line) => line.StartsWith("server 127.0.0.1:", StringComparison.Ordinal);

    private static string Name(string line) => line.Split(' ', 2)[0];

    private static string Value(string line) => line.Split(' ', 2) is [_, var value] ? value : "";

    /// <summary>Each directive line, trimmed, without comments, braces and the closing ';'; in order, repeats kept.</summary>
    private static List<string> Directives(string text) =>
        text.Split('\n').Select(l => l.Trim().TrimEnd('{', ';').TrimEnd()).Where(l => l.Length > 0 && !l.StartsWith('#') && l != "}").ToList();

    /// <summary>The lines of <paramref name="a"/> not matched by one in <paramref name="b"/> (a multiset difference).</summary>
    private static List<string> Subtract(List<string> a, List<string> b)
    {
        var left = b.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        var result = new List<string>();
        foreach (var line in a)
        {
            if (left.TryGetValue(line, out var n) && n > 0) left[line] = n - 1;
            else result.Add(line);
        }
        return result;
    }
}
