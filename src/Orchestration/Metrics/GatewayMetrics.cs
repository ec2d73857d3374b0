namespace Orchestration.Metrics;

/// <summary>The supervisor's answer to <c>metrics</c>: per instance and per module, and the CPU of every process it runs.</summary>
public sealed record MetricsReport
{
    public int WindowSeconds { get; init; } = TrafficWindow.Seconds;
    public IReadOnlyDictionary<string, TrafficFigures> Instances { get; init; } = new Dictionary<string, TrafficFigures>();
    public IReadOnlyDictionary<string, TrafficFigures> Modules { get; init; } = new Dictionary<string, TrafficFigures>();

    /// <summary>CPU use by process name (the supervisor's too), percent of one core, over the last 2 s (the supervisor samples /proc every 2 s).</summary>
    public IReadOnlyDictionary<string, double> CpuPercent { get; init; } = new Dictionary<string, double>();

    /// <summary>Access-log lines read since the supervisor started, and lines that were not in the expected format.</summary>
    public long LinesRead { get; init; }
    public long LinesSkipped { get; init; }

    /// <summary>CPU seconds the supervisor spent reading the access log and keeping the windows, since it started.</summary>
    public double ReaderCpuSeconds { get; init; }
}

/// <summary>
/// Per-instance and per-module rolling windows fed by the gateway's access log. An answer is the
/// instance's whose address nginx logged as the upstream; the module is the first path segment
/// that names one (<c>/api/v1/broker/orders</c> → broker).
/// </summary>
public sealed class GatewayMetrics
{
    private readonly Dictionary<string, TrafficWindow> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TrafficWindow> _modules = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _read, _skipped;

    /// <param name="instanceAt">The instance serving an upstream address ("127.0.0.1:5001"), or null.</param>
    /// <param name="modules">The modules the stack serves.</param>
    public void Record(string line, Func<string, string?> instanceAt, IReadOnlySet<string> modules, double now)
    {
        var parsed = AccessLogLine.Parse(line);
        lock (_gate)
        {
            _read++;
            if (parsed is not { } entry)
            {
                _skipped++;
                return;
            }
            var second = (long)Math.Floor(entry.UnixSeconds ?? now);
            if (entry.Upstream is { } upstream && instanceAt(upstream) is { } instance)
                Window(_instances, instance).Add(second, entry.Status, entry.RequestMs);
            if (ModuleOf(entry.Path, modules) is { } module)
                Window(_modules, module).Add(second, entry.Status, entry.RequestMs);
        }
    }

    public MetricsReport Report(double now, IReadOnlyDictionary<string, int>? openWebSockets = null)
    {
        lock (_gate)
        {
            return new MetricsReport
            {
                Instances = _instances.Keys.Union(openWebSockets?.Keys ?? []).ToDictionary(k => k,
                    k => (_instances.GetValueOrDefault(k) ?? new TrafficWindow()).Figures(now, openWebSockets is null ? null : openWebSockets.GetValueOrDefault(k))),
                Modules = _modules.ToDictionary(p => p.Key, p => p.Value.Figures(now)),
                LinesRead = _read,
                LinesSkipped = _skipped,
            };
        }
    }

    /// <summary>Forgets an instance that is no longer part of the stack (scaled down).</summary>
    public void Forget(IEnumerable<string> keep)
    {
        var set = keep.ToHashSet(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var gone in _instances.Keys.Where(k => !set.Contains(k)).ToList()) _instances.Remove(gone);
        }
    }

    public static string? ModuleOf(string path, IReadOnlySet<string> modules)
    {
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (modules.Contains(segment)) return segment;
        }
        return null;
    }

    private static TrafficWindow Window(Dictionary<string, TrafficWindow> windows, string key)
    {
        if (!windows.TryGetValue(key, out var window)) windows[key] = window = new TrafficWindow();
        return window;
    }
}
