using Orchestration.Config;

namespace Orchestration.Logs;

/// <summary>Reading and emptying the files under <c>.local/logs</c>.</summary>
public static class LogFiles
{
    /// <summary>The last <paramref name="count"/> lines of a file (empty when it does not exist).</summary>
    public static IReadOnlyList<string> LastLines(string path, int count)
    {
        if (!File.Exists(path) || count <= 0) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        const int chunk = 64 * 1024;
        var start = Math.Max(0, stream.Length - chunk);
        stream.Seek(start, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        var lines = reader.ReadToEnd().Split('\n').Where(l => l.Length > 0).ToList();
        if (start > 0 && lines.Count > 0) lines.RemoveAt(0); // partial first line
        return lines.TakeLast(count).ToList();
    }

    /// <summary>Truncates every log file not in <paramref name="skip"/> (nginx writes with O_APPEND, so this is safe).</summary>
    public static int TruncateUnowned(LocalPaths paths, IEnumerable<string> skip)
    {
        if (!Directory.Exists(paths.Logs)) return 0;
        var owned = new HashSet<string>(skip, StringComparer.Ordinal);
        var count = 0;
        foreach (var file in Directory.EnumerateFiles(paths.Logs, "*.log"))
        {
            if (owned.Contains(file)) { count++; continue; }
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            stream.SetLength(0);
            count++;
        }
        return count;
    }
}
