using System.Globalization;

namespace Orchestration.Processes;

/// <summary>
/// What <c>/proc/&lt;pid&gt;</c> says about a process right now. A zombie (state Z) or a dead
/// task (X) has exited even though <c>kill(pid, 0)</c> still succeeds.
/// </summary>
public sealed record ProcInfo(int Pid, int ParentPid, int ProcessGroup, int Session, char State, long StartTicks, IReadOnlyList<string> Argv, int Uid, long RssKb)
{
    /// <summary>The program file (/proc/&lt;pid&gt;/exe); null when it cannot be read (exited, or another user's).</summary>
    public string? Executable => ReadExecutable(Pid);

    public static string? ReadExecutable(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/exe").LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public bool HasExited => State is 'Z' or 'X' or 'x';

    public string CommandLine => string.Join(' ', Argv);

    /// <summary>Reads /proc/&lt;pid&gt;; null when there is no such process.</summary>
    public static ProcInfo? Read(int pid)
    {
        if (pid <= 0) return null;
        try
        {
            var dir = $"/proc/{pid}";
            var stat = File.ReadAllText($"{dir}/stat");
            // comm may contain spaces and parentheses: the fields after it start after the last ')'.
            var close = stat.LastIndexOf(')');
            var fields = stat[(close + 2)..].Split(' ');
            // fields[0] = state (field 3), [1] ppid, [2] pgrp, [3] session, [19] starttime (field 22)
            var state = fields[0][0];
            var ppid = int.Parse(fields[1], CultureInfo.InvariantCulture);
            var pgrp = int.Parse(fields[2], CultureInfo.InvariantCulture);
            var session = int.Parse(fields[3], CultureInfo.InvariantCulture);
            var start = long.Parse(fields[19], CultureInfo.InvariantCulture);
            var argv = ReadArgv(dir);
            var (uid, rss) = ReadStatus(dir);
            return new ProcInfo(pid, ppid, pgrp, session, state, start, argv, uid, rss);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// True when the pid names a process that has not exited (zombies count as exited). Reads /proc/&lt;pid&gt;/stat
    /// alone: WaitHealthy asks this of every instance every 10-50 ms, and Stop of every process every 20 ms.
    /// </summary>
    public static bool IsRunning(int pid)
    {
        if (pid <= 0) return false;
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            return close + 2 < stat.Length && stat[close + 2] is not ('Z' or 'X' or 'x');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Live pids whose process group is <paramref name="pgid"/>.</summary>
    public static IReadOnlyList<int> GroupMembers(int pgid)
    {
        var members = new List<int>();
        foreach (var pid in AllPids())
        {
            if (Read(pid) is { HasExited: false } info && info.ProcessGroup == pgid) members.Add(pid);
        }
        return members;
    }

    public static IEnumerable<int> AllPids()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) yield return pid;
        }
    }

    private static string[] ReadArgv(string dir)
    {
        var raw = File.ReadAllText($"{dir}/cmdline").TrimEnd('\0');
        return raw.Length == 0 ? [] : raw.Split('\0');
    }

    private static (int Uid, long RssKb) ReadStatus(string dir)
    {
        int uid = -1;
        long rss = 0;
        foreach (var line in File.ReadLines($"{dir}/status"))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
                uid = int.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                rss = long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        return (uid, rss);
    }
}
