using System.Text;

namespace BuildGraph.Parameters;

/// <summary>Name forms of a parameter: kebab (<c>stop-timeout</c>), environment (<c>STOP_TIMEOUT</c>), and the matching key.</summary>
internal static class Names
{
    public static string ToKebab(string name) => Split(name, '-').ToLowerInvariant();

    public static string ToEnvironment(string name) => Split(name, '_').ToUpperInvariant();

    /// <summary>The key two spellings match on: case-, dash- and underscore-insensitive.</summary>
    public static string Key(string name) =>
        string.Concat(name.Where(c => c is not ('-' or '_'))).ToLowerInvariant();

    public static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            previous = current;
        }

        return previous[b.Length];
    }

    /// <summary>The closest candidate when it is close enough to be a typo, else null.</summary>
    public static string? Closest(string input, IEnumerable<string> candidates)
    {
        var best = candidates
            .Select(c => (Candidate: c, Distance: Distance(Key(input), Key(c))))
            .OrderBy(x => x.Distance)
            .FirstOrDefault();
        return best.Candidate is not null && best.Distance <= Math.Max(2, Key(input).Length / 3) ? best.Candidate : null;
    }

    private static string Split(string name, char separator)
    {
        var result = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c is '-' or '_' or ' ')
            {
                if (result.Length > 0 && result[^1] != separator)
                    result.Append(separator);
                continue;
            }

            var startsWord = char.IsUpper(c) && i > 0 &&
                (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) ||
                 (char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1])));
            if (startsWord && result.Length > 0 && result[^1] != separator)
                result.Append(separator);
            result.Append(c);
        }

        return result.ToString();
    }
}
