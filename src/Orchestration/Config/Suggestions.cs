namespace Orchestration.Config;

/// <summary>"Did you mean" for misspelt keys and names: the closest candidate by edit distance.</summary>
internal static class Suggestions
{
    /// <summary>The closest candidate, or null when none is close enough to be a plausible typo.</summary>
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        var lower = word.ToLowerInvariant();
        var prefixed = candidates.FirstOrDefault(c => lower.Length >= 3 && c.StartsWith(lower, StringComparison.OrdinalIgnoreCase));
        if (prefixed is not null) return prefixed;
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var d = EditDistance(lower, candidate.ToLowerInvariant());
            if (d < bestDistance) (best, bestDistance) = (candidate, d);
        }
        var limit = Math.Max(1, (word.Length + 1) / 3);
        return bestDistance <= limit ? best : null;
    }

    /// <summary>Levenshtein distance that also counts a swap of two neighbours as one edit ("paht" → "path").</summary>
    public static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
