using System.Diagnostics;
using System.Globalization;

namespace Orchestration.Metrics;

/// <summary>
/// CPU use of processes from <c>/proc/&lt;pid&gt;/stat</c> (utime + stime), as the difference between
/// two readings: each ask compares with the one before, and a first ask (or one long after the last)
/// takes two readings 200 ms apart. Nothing runs between asks.
/// </summary>
public sealed class CpuSampler
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux architecture .NET runs on
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FirstSpan = TimeSpan.FromMilliseconds(200);
    private readonly Dictionary<int, (long Ticks, long At)> _last = [];
    private readonly Dictionary<int, double> _percent = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Percent of one core per pid since the last ask (at least 0.5 s ago; else the last figures).</summary>
    public async Task<IReadOnlyDictionary<int, double>> SampleAsync(IReadOnlyCollection<int> pids, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = Stopwatch.GetTimestamp();
            if (pids.Any(p => !_last.TryGetValue(p, out var l) || Stopwatch.GetElapsedTime(l.At, now) > Fresh))
            {
                foreach (var pid in pids) if (Ticks(pid) is { } t) _last[pid] = (t, Stopwatch.GetTimestamp());
                await Task.Delay(FirstSpan, cancellationToken).ConfigureAwait(false);
            }
            foreach (var pid in pids)
            {
                if (!_last.TryGetValue(pid, out var last) || Ticks(pid) is not { } ticks) continue;
                var at = Stopwatch.GetTimestamp();
                var seconds = Stopwatch.GetElapsedTime(last.At, at).TotalSeconds;
                if (seconds < 0.5 && _percent.ContainsKey(pid)) continue;
                _percent[pid] = Math.Round(100 * (ticks - last.Ticks) / TicksPerSecond / seconds, 1);
                _last[pid] = (ticks, at);
            }
            foreach (var gone in _last.Keys.Where(p => !pids.Contains(p)).ToList()) { _last.Remove(gone); _percent.Remove(gone); }
            return pids.Where(_percent.ContainsKey).ToDictionary(p => p, p => _percent[p]);
        }
        finally
        {
            _gate.Release();
        }
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
