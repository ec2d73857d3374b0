namespace Orchestration.Tests.Support;

/// <summary>Reads blocks out of a rendered nginx.conf, so tests assert on one location or upstream.</summary>
public static class NginxText
{
    /// <summary>The body of the block that starts with <paramref name="header"/> (e.g. "location /api/v1/core/"), or null.</summary>
    public static string? Block(string conf, string header)
    {
        var at = conf.IndexOf(header + " {", StringComparison.Ordinal);
        if (at < 0) return null;
        var open = conf.IndexOf('{', at + header.Length);
        var depth = 0;
        for (var i = open; i < conf.Length; i++)
        {
            if (conf[i] == '{') depth++;
            else if (conf[i] == '}' && --depth == 0) return conf[(open + 1)..i];
        }
        throw new FormatException($"unbalanced braces after '{header}'");
    }

    public static string RequiredBlock(string conf, string header) =>
        Block(conf, header) ?? throw new Xunit.Sdk.XunitException($"no block '{header}' in:\n{conf}");

    /// <summary>Directive lines of a block body, trimmed, without comments and nested blocks' contents.</summary>
    public static IReadOnlyList<string> Lines(string body) =>
        body.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
}
