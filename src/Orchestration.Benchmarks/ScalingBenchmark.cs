using Orchestration.Processes;
using Orchestration.State;

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
            var starts = new List<double>();
            var stops = new List<double>();
            var rss = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                starts.Add((await stack.RunAsync("Start", cancellationToken).ConfigureAwait(false)).EnsureOk().Elapsed.TotalSeconds);
                rss.AddRange(InstanceRssMb(stack.State()));
                stops.Add((await stack.RunAsync("Stop", cancellationToken).ConfigureAwait(false)).EnsureOk().Elapsed.TotalSeconds);
            }
            var start = Samples.Of(starts);
            context.Log($"{count} instance(s): Start {start.Median:0.000} s, Stop {Samples.Of(stops).Median:0.000} s");
            rows.Add(new BenchmarkRow($"{count} instance{(count == 1 ? "" : "s")}", new Dictionary<string, double?>
            {
                ["instances"] = count,
                ["start_median"] = start.Median,
                ["start_min"] = start.Min,
                ["start_max"] = start.Max,
                ["stop_median"] = Samples.Of(stops).Median,
                ["rss_total_mb"] = rss.Count > 0 ? rss.Sum() / runs : null,
            }));
        }
        return new BenchmarkSection("scaling", "Start time as the instance count grows (one server, core+broker)",
        [
            new("instances", "instances", "0"), new("start_median", "Start median s"), new("start_min", "Start min s"), new("start_max", "Start max s"),
            new("stop_median", "Stop median s"), new("rss_total_mb", "instances' RSS right after Start, MB", "0"),
        ], rows, $"{runs} run(s) per count; instances start in parallel under one supervisor and are health-checked in parallel.");
    }

    private static IEnumerable<double> InstanceRssMb(DeploymentState? state) =>
        state?.Processes.Where(p => p.Kind == ProcessKind.Instance)
            .Select(p => p.Identity.FindAlive()).OfType<ProcInfo>().Select(i => i.RssKb / 1024.0).ToList() ?? [];
}
