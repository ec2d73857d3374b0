namespace Orchestration.Benchmarks;

/// <summary>A lifecycle command with its goal (issue 6) and the Python tool's time (the baseline users compare with).</summary>
public sealed record LifecycleCommand(string Target, double GoalSeconds, double PythonSeconds);

/// <summary>
/// Wall time of Start, Status, Restart and Stop through the real build program (process startup
/// included), on the default layout, in cycles: Start → Status → Restart → Stop, so every Start begins
/// from a stopped stack and every Stop from a running one.
/// </summary>
public sealed class LifecycleBenchmark(BenchmarkContext context)
{
    public static readonly IReadOnlyList<LifecycleCommand> Commands =
    [
        new("Start", 2.0, 1.2),
        new("Stop", 0.5, 6.2),
        new("Status", 0.5, 0.65),
        new("Restart", 2.5, 7.0),
    ];

    public async Task<IReadOnlyDictionary<string, Samples>> MeasureAsync(BenchmarkStack stack, CancellationToken cancellationToken)
    {
        var times = Commands.ToDictionary(c => c.Target, _ => new List<double>());
        for (var run = 1; run <= context.Runs; run++)
        {
            foreach (var target in new[] { "Start", "Status", "Restart", "Stop" })
            {
                var result = (await stack.RunAsync(target, cancellationToken).ConfigureAwait(false)).EnsureOk();
                times[target].Add(result.Elapsed.TotalSeconds);
            }
            context.Log($"lifecycle run {run}/{context.Runs}: " + string.Join(", ", times.Select(t => $"{t.Key} {t.Value[^1]:0.000} s")));
        }
        return times.ToDictionary(t => t.Key, t => Samples.Of(t.Value));
    }

    public static BenchmarkSection Section(IReadOnlyDictionary<string, Samples> times, Samples? floor, string? floorMissing)
    {
        var rows = Commands.Select(c =>
        {
            var s = times[c.Target];
            var values = s.Spread();
            values["goal"] = c.GoalSeconds;
            values["python"] = c.PythonSeconds;
            var verdict = s.Median <= c.GoalSeconds ? "meets goal" : $"over goal by {s.Median - c.GoalSeconds:0.00} s";
            return new BenchmarkRow(c.Target, values, verdict);
        }).ToList();
        var floorValues = floor?.Spread() ?? new Dictionary<string, double?>();
        rows.Add(new BenchmarkRow("floor: bundled backend alone, process start → healthy", floorValues,
            floorMissing ?? "dotnet TradingApi.dll (core,broker) on a free port, /core/health polled every 5 ms"));
        return new BenchmarkSection("lifecycle", "Lifecycle wall time (s), through the build program as a user runs it",
        [
            new("median", "median s"), new("min", "min s"), new("max", "max s"), new("runs", "runs", "0"),
            new("goal", "goal s", "0.0"), new("python", "Python tool s", "0.00"),
        ], rows, "Default layout (broker + datafeed, one instance each), backend already built. Each cycle: Start, Status, Restart, Stop.");
    }
}
