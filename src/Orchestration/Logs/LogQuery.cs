using System.Globalization;
using System.Text.RegularExpressions;
using Orchestration.Config;

namespace Orchestration.Logs;

/// <summary>
/// One log entry of one process: a line that starts with a timestamp (<c>[2026-12-01 15:04:05]</c>,
/// the bundled backend's and the supervisor's format) and the lines after it that do not (a stack
/// trace), kept whole. Output before a process's first timestamp is one entry per line, at no time.
/// </summary>
public sealed record LogEntry(string Process, DateTime? Time, string? Level, IReadOnlyList<string> Lines);

/// <summary>
/// What <c>./build.sh Logs</c> and the dashboard's stream show: entries of some processes, of a level
/// or worse, containing a text, since a time. Every filter is optional.
/// </summary>
/// <param name="Server">A server name (broker): its instances only.</param>
/// <param name="Instance">With <paramref name="Server"/>: only that instance index.</param>
/// <param name="Level">Entries at this level or worse (debug, info, warn, error, fatal).</param>
/// <param name="Grep">Entries that contain this text anywhere, stack trace included (case-insensitive).</param>
/// <param name="Since">Entries at or after this local time.</param>
public sealed partial record LogQuery(string? Server = null, int? Instance = null, string? Level = null, string? Grep = null, DateTime? Since = null)
{
    private static readonly string[] Levels = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

    /// <summary>Files that are not one process's output: the unified log, nginx's access log, the supervisor's console.</summary>
    private static readonly HashSet<string> NotProcesses = ["backend-unified", "nginx-access", "supervisor.console"];

    public bool AcceptsProcess(string name)
    {
        if (Server is null) return true;
        if (Instance is { } i) return name == $"{Server}-{i.ToString(CultureInfo.InvariantCulture)}";
        return name == Server || (name.StartsWith(Server + "-", StringComparison.Ordinal) && int.TryParse(name.AsSpan(Server.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _));
    }

    public bool Accepts(LogEntry entry)
    {
        if (!AcceptsProcess(entry.Process)) return false;
        if (Since is { } since && (entry.Time is not { } time || time < since)) return false;
        if (Level is { } level && Rank(entry.Level) < Rank(level)) return false;
        return Grep is null || entry.Lines.Any(l => l.Contains(Grep, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>"warn" → 3; an unknown level or none ranks lowest, so --level hides it.</summary>
    public static int Rank(string? level)
    {
        var normal = level?.Trim().ToUpperInvariant() switch { "WARNING" => "WARN", "ERR" => "ERROR", "CRITICAL" => "FATAL", var l => l };
        return Array.IndexOf(Levels, normal);
    }

    public static string? ValidateLevel(string? level) =>
        level is null || Rank(level) >= 0 ? null : $"--level {level}: not a level; use one of {string.Join(", ", Levels.Select(l => l.ToLowerInvariant()))}";

    /// <summary>"5m", "90s", "2h", "1d", or a local time ("15:04", "2026-12-01 15:04:05").</summary>
    public static DateTime? ParseSince(string text, DateTime now)
    {
        var m = DurationPattern().Match(text.Trim());
        if (m.Success)
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            return now - m.Groups[2].Value switch { "s" => TimeSpan.FromSeconds(n), "m" => TimeSpan.FromMinutes(n), "h" => TimeSpan.FromHours(n), _ => TimeSpan.FromDays(n) };
        }
        if (TimeSpan.TryParseExact(text, ["hh\\:mm", "hh\\:mm\\:ss"], CultureInfo.InvariantCulture, out var clock)) return now.Date + clock;
        return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var at) ? at : null;
    }

    /// <summary>The matching entries of every process's log (rotated files too), merged by time; entries of one second keep their file's order.</summary>
    public IReadOnlyList<LogEntry> Run(LocalPaths paths, int maxFiles)
    {
        if (!Directory.Exists(paths.Logs)) return [];
        var names = Directory.EnumerateFiles(paths.Logs, "*.log").Select(f => Path.GetFileNameWithoutExtension(f)!)
            .Where(n => !NotProcesses.Contains(n) && AcceptsProcess(n)).Order(StringComparer.Ordinal);
        var entries = new List<(LogEntry Entry, DateTime Time, int Order)>();
        foreach (var name in names)
        {
            var reader = new EntryReader(name);
            var order = 0;
            DateTime last = DateTime.MinValue;
            foreach (var entry in Entries(reader, LogRotation.Generations(paths.LogFor(name), maxFiles).SelectMany(File.ReadLines)))
            {
                last = entry.Time ?? last; // untimed output sorts with the entry before it
                if (Accepts(entry)) entries.Add((entry, last, order++));
            }
        }
        return entries.OrderBy(e => e.Time).ThenBy(e => e.Entry.Process, StringComparer.Ordinal).ThenBy(e => e.Order).Select(e => e.Entry).ToList();
    }

    private static IEnumerable<LogEntry> Entries(EntryReader reader, IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            foreach (var entry in reader.Add(line)) yield return entry;
        }
        foreach (var entry in reader.Finish()) yield return entry;
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)([smhd])$")]
    private static partial Regex DurationPattern();
}

/// <summary>Turns one process's lines into <see cref="LogEntry"/>s as they come (for a file, or a stream being followed).</summary>
public sealed partial class EntryReader(string process)
{
    private DateTime? _time;
    private string? _level;
    private List<string>? _lines;

    /// <summary>The entry this line completes (when it starts a new one), or none.</summary>
    public IEnumerable<LogEntry> Add(string line)
    {
        var head = Head().Match(line);
        if (!head.Success && _lines is not null)
        {
            _lines.Add(line);
            return [];
        }
        var done = Finish();
        if (head.Success)
        {
            _time = DateTime.ParseExact(head.Groups[1].Value, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            _level = head.Groups[2].Success ? head.Groups[2].Value : null;
            _lines = [line];
            return done;
        }
        return [.. done, new LogEntry(process, null, null, [line])];
    }

    /// <summary>The entry being read, if any (at the end of the input).</summary>
    public IReadOnlyList<LogEntry> Finish()
    {
        if (_lines is null) return [];
        var entry = new LogEntry(process, _time, _level, _lines);
        _lines = null;
        return [entry];
    }

    [GeneratedRegex(@"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\](?: \[([A-Za-z]+)\])?")]
    private static partial Regex Head();
}
