namespace Orchestration.Benchmarks;

/// <summary>Start (and Stop) wall time as one server's instance count grows: 1, 2, 4, 8 instances of core+broker.</summary>
public sealed class ScalingBenchmark(BenchmarkContext context)
{
    public static readonly IReadOnlyList<int> InstanceCounts = [1, 2, 4, 8];

    public async Task<BenchmarkSection> MeasureAsync(CancellationToken cancellationToken)
    {
        var runs = context.Quick ? 1 : 3;
        var rows = new List<BenchmarkRow>();
        foreach (var count in InstanceCounts)
        {
            await using var stack = BenchmarkStack.Scaled(context, count);
            var (start, stop, rss, _, _) = await stack.StartStopAsync(runs, cancellationToken).ConfigureAwait(false);
            context.Log($"{count} instance(s): Start {start.Median:0.000} s, Stop {stop.Median:0.000} s");
            rows.Add(new BenchmarkRow($"{count} instance{(count == 1 ? "" : "s")}", new Dictionary<string, double?>
            {
                ["instances"] = count,
                ["start_median"] = start.Median,
                ["start_min"] = start.Min,
                ["start_max"] = start.Max,
                ["stop_median"] = stop.Median,
                ["rss_total_mb"] = rss.Values.Average(),
            }));
        }
        return new BenchmarkSection("scaling", "Start time as the instance count grows (one server, core+broker)",
        [
            new("instances", "instances", "0"), new("start_median", "Start median s"), new("start_min", "Start min s"), new("start_max", "Start max s"),
            new("stop_median", "Stop median s"), new("rss_total_mb", "instances' RSS right after Start, MB", "0"),
        ], rows, $"{runs} run(s) per count; instances start in parallel under one supervisor and are health-checked in parallel.");
    }
}
