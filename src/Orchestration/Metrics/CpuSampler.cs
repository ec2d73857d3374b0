using System.Diagnostics;
using System.Globalization;

namespace Orchestration.Metrics;

/// <summary>
/// CPU use of processes from <c>/proc/&lt;pid&gt;/stat</c> (utime + stime): each <see cref="Sample"/>
/// compares with the one before, so the figures are the use between the last two samples. The
/// supervisor samples every 2 s (a few /proc reads), so a Status never waits for a second reading.
/// </summary>
public sealed class CpuSampler
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux architecture .NET runs on
    private readonly Dictionary<int, (long Ticks, long At)> _last = [];
    private Dictionary<int, double> _percent = [];
    private readonly Lock _gate = new();

    /// <summary>Reads every pid's CPU time now and keeps its use since the last sample.</summary>
    public void Sample(IReadOnlyCollection<int> pids)
    {
        lock (_gate)
        {
            var percent = new Dictionary<int, double>();
            foreach (var pid in pids)
            {
                if (Ticks(pid) is not { } ticks) continue;
                var at = Stopwatch.GetTimestamp();
                if (_last.TryGetValue(pid, out var last))
                {
                    var seconds = Stopwatch.GetElapsedTime(last.At, at).TotalSeconds;
                    if (seconds > 0) percent[pid] = Math.Round(100 * (ticks - last.Ticks) / TicksPerSecond / seconds, 1);
                }
                _last[pid] = (ticks, at);
            }
            foreach (var gone in _last.Keys.Where(p => !pids.Contains(p)).ToList()) _last.Remove(gone);
            _percent = percent;
        }
    }

    /// <summary>Percent of one core per pid between the last two samples (none for a pid sampled once).</summary>
    public IReadOnlyDictionary<int, double> Percent()
    {
        lock (_gate) return _percent;
    }

    /// <summary>utime + stime of a process in clock ticks; null when it is gone.</summary>
    public static long? Ticks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // after the comm: [0] state ... [11] utime (field 14), [12] stime (field 15)
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
