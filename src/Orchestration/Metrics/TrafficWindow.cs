namespace Orchestration.Metrics;

/// <summary>What the gateway saw of one instance or one module: the rolling window's figures and the totals since the supervisor started.</summary>
public sealed record TrafficFigures
{
    /// <summary>Requests per second over the last <see cref="TrafficWindow.RateSeconds"/> seconds.</summary>
    public double RequestsPerSecond { get; init; }

    /// <summary>Requests answered in the window (the last <see cref="TrafficWindow.Seconds"/> seconds).</summary>
    public long Requests { get; init; }
    public long Status4xx { get; init; }
    public long Status5xx { get; init; }

    /// <summary>nginx's request time (first byte read to last byte sent), in ms, over the window; null without requests.</summary>
    public double? P50Ms { get; init; }
    public double? P95Ms { get; init; }
    public double? P99Ms { get; init; }

    /// <summary>WebSockets the gateway holds open to it now; null where it is not known (per module).</summary>
    [System.Text.Json.Serialization.JsonPropertyName("open_websockets")]
    public int? OpenWebSockets { get; init; }
    public long TotalRequests { get; init; }
    public long Total4xx { get; init; }
    public long Total5xx { get; init; }

    /// <summary>Requests in each of the window's seconds, oldest first (the dashboard's sparkline).</summary>
    public IReadOnlyList<int> PerSecond { get; init; } = [];
}

/// <summary>
/// A rolling window of one-second buckets: counts by status class and a latency histogram at
/// nginx's resolution (1 ms), so percentiles are exact and recording a request costs a dictionary
/// increment (no sample list to sort at 5,000 req/s).
/// </summary>
public sealed class TrafficWindow
{
    public const int Seconds = 60;
    public const int RateSeconds = 5;

    private readonly long[] _second = new long[Seconds];
    private readonly int[] _count = new int[Seconds];
    private readonly int[] _c4xx = new int[Seconds];
    private readonly int[] _c5xx = new int[Seconds];
    private readonly Dictionary<int, int>[] _latency = Enumerable.Range(0, Seconds).Select(_ => new Dictionary<int, int>()).ToArray();
    private long _total, _total4xx, _total5xx;

    public void Add(long second, int status, int ms)
    {
        var i = (int)(second % Seconds);
        if (_second[i] != second)
        {
            if (_second[i] > second) return; // older than the window
            _second[i] = second;
            _count[i] = _c4xx[i] = _c5xx[i] = 0;
            _latency[i].Clear();
        }
        _count[i]++;
        _total++;
        if (status is >= 400 and < 500) { _c4xx[i]++; _total4xx++; }
        else if (status >= 500) { _c5xx[i]++; _total5xx++; }
        _latency[i][ms] = _latency[i].GetValueOrDefault(ms) + 1;
    }

    /// <param name="now">Unix time in seconds (fractional), which the window ends at.</param>
    public TrafficFigures Figures(double now, int? openWebSockets = null)
    {
        var current = (long)Math.Floor(now);
        var perSecond = new int[Seconds];
        long requests = 0, c4 = 0, c5 = 0, recent = 0;
        var histogram = new SortedDictionary<int, long>();
        for (var i = 0; i < Seconds; i++)
        {
            var age = current - _second[i];
            if (age < 0 || age >= Seconds || _count[i] == 0) continue;
            perSecond[Seconds - 1 - age] = _count[i];
            requests += _count[i];
            c4 += _c4xx[i];
            c5 += _c5xx[i];
            if (age < RateSeconds) recent += _count[i];
            foreach (var (ms, n) in _latency[i]) histogram[ms] = histogram.GetValueOrDefault(ms) + n;
        }
        var elapsed = RateSeconds - 1 + (now - current); // the current second counts as far as it has run
        return new TrafficFigures
        {
            RequestsPerSecond = Math.Round(recent / Math.Max(elapsed, 1), 1),
            Requests = requests, Status4xx = c4, Status5xx = c5,
            P50Ms = Percentile(histogram, requests, 0.50), P95Ms = Percentile(histogram, requests, 0.95), P99Ms = Percentile(histogram, requests, 0.99),
            OpenWebSockets = openWebSockets,
            TotalRequests = _total, Total4xx = _total4xx, Total5xx = _total5xx,
            PerSecond = perSecond,
        };
    }

    /// <summary>The nearest-rank percentile: the smallest latency at or below which <paramref name="q"/> of the requests fall.</summary>
    private static double? Percentile(SortedDictionary<int, long> histogram, long count, double q)
    {
        if (count == 0) return null;
        var rank = (long)Math.Ceiling(q * count);
        long seen = 0;
        foreach (var (ms, n) in histogram)
        {
            seen += n;
            if (seen >= rank) return ms;
        }
        return histogram.Keys.Last();
    }
}
