namespace Orchestration.Images;

/// <summary>
/// The Debian suite and mirror this machine installs from (its apt sources), so the base image is made
/// from the same place, offline from any registry: deb822 <c>/etc/apt/sources.list.d/*.sources</c>
/// first, then the one-line <c>/etc/apt/sources.list</c>, then <c>/etc/os-release</c>'s codename
/// with Debian's own mirror.
/// </summary>
public sealed record AptSource(string Suite, string Mirror)
{
    public const string DefaultMirror = "http://deb.debian.org/debian";

    public static AptSource OfThisMachine(string root = "/")
    {
        var sourcesDir = Path.Combine(root, "etc/apt/sources.list.d");
        if (Directory.Exists(sourcesDir))
        {
            foreach (var file in Directory.EnumerateFiles(sourcesDir, "*.sources").Order(StringComparer.Ordinal))
                if (FromDeb822(File.ReadAllText(file)) is { } found) return found;
        }
        var list = Path.Combine(root, "etc/apt/sources.list");
        if (File.Exists(list) && FromOneLine(File.ReadAllText(list)) is { } line) return line;
        var osRelease = Path.Combine(root, "etc/os-release");
        var codename = File.Exists(osRelease)
            ? File.ReadLines(osRelease).Where(l => l.StartsWith("VERSION_CODENAME=", StringComparison.Ordinal)).Select(l => l.Split('=', 2)[1].Trim('"')).FirstOrDefault()
            : null;
        return new AptSource(codename is { Length: > 0 } c ? c : "bookworm", DefaultMirror);
    }

    /// <summary>The first stanza of type <c>deb</c> whose URI is a Debian archive (not the security one).</summary>
    public static AptSource? FromDeb822(string text)
    {
        foreach (var stanza in text.Replace("\r", "").Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = stanza.Split('\n').Where(l => !l.TrimStart().StartsWith('#') && l.Contains(':'))
                .Select(l => l.Split(':', 2)).GroupBy(p => p[0].Trim(), StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.First()[1].Trim(), StringComparer.OrdinalIgnoreCase);
            if (!fields.TryGetValue("Types", out var types) || !types.Split(' ').Contains("deb")) continue;
            if (!fields.TryGetValue("URIs", out var uris) || !fields.TryGetValue("Suites", out var suites)) continue;
            var uri = uris.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            if (uri.Contains("security", StringComparison.Ordinal)) continue;
            return new AptSource(suites.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], uri);
        }
        return null;
    }

    public static AptSource? FromOneLine(string text) => text.Split('\n')
        .Select(l => l.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Where(p => p.Length >= 3 && p[0] == "deb" && !p[1].StartsWith('[') && !p[1].Contains("security", StringComparison.Ordinal))
        .Select(p => new AptSource(p[2], p[1])).FirstOrDefault();
}
