namespace Orchestration.Benchmarks;

/// <summary>
/// A lifecycle command with its goal (issue 13) and the Python tool's time: measured elsewhere (issue 13's
/// side-by-side run on this machine type, same uvicorn backend), not in this run.
/// </summary>
/// <param name="GoalSeconds">A fixed goal, or null when it follows another figure (Start: the floor + 0.4 s; Restart: 1.5 × Start).</param>
public sealed record LifecycleCommand(string Target, double? GoalSeconds, double PythonSeconds);

/// <summary>
/// Wall time of Start, Status, Restart and Stop through the real build program (process startup
/// included), on the default layout, in cycles: Start → Status → Restart → Stop, so every Start begins
/// from a stopped stack and every Stop from a running one. Measured with the program ./build.sh runs
/// (the native one when current) and, in the same run, with the JIT program: the before/after of issue 13.
/// </summary>
public sealed class LifecycleBenchmark(BenchmarkContext context)
{
    public static readonly IReadOnlyList<LifecycleCommand> Commands =
    [
        new("Start", null, 1.15),
        new("Stop", 0.3, 5.79),
        new("Status", 0.15, 0.49),
        new("Restart", null, 7.22),
    ];

    public const double StartOverFloorSeconds = 0.4;
    public const double RestartOverStart = 1.5;

    public sealed record Measured(IReadOnlyDictionary<string, Samples> Times, IReadOnlyDictionary<string, Samples>? Jit);

    public async Task<Measured> MeasureAsync(BenchmarkStack stack, CancellationToken cancellationToken)
    {
        var times = await CyclesAsync(stack, stack.Cli, "", cancellationToken).ConfigureAwait(false);
        var jit = context.NativeProgram is null ? null : await CyclesAsync(stack, context.JitCli(stack.ConfigPath), "JIT ", cancellationToken).ConfigureAwait(false);
        return new Measured(times, jit);
    }

    private async Task<IReadOnlyDictionary<string, Samples>> CyclesAsync(BenchmarkStack stack, BuildProgramRunner cli, string label, CancellationToken cancellationToken)
    {
        var times = Commands.ToDictionary(c => c.Target, _ => new List<double>());
        for (var run = 1; run <= context.Runs; run++)
        {
            foreach (var target in new[] { "Start", "Status", "Restart", "Stop" })
            {
                var result = (await stack.RunAsync(cli, target, null, cancellationToken).ConfigureAwait(false)).EnsureOk();
                times[target].Add(result.Elapsed.TotalSeconds);
            }
            context.Log($"{label}lifecycle run {run}/{context.Runs}: " + string.Join(", ", times.Select(t => $"{t.Key} {t.Value[^1]:0.000} s")));
        }
        return times.ToDictionary(t => t.Key, t => Samples.Of(t.Value));
    }

    /// <param name="layoutFloor">The layout's instances started at once → all healthy: what Start cannot beat on these cores.</param>
    public BenchmarkSection Section(Measured measured, Samples? floor, Samples? layoutFloor, string? floorMissing)
    {
        var program = context.NativeProgram is null ? $"JIT build program ({context.NativeMissing})" : "native build program";
        var rows = Commands.Select(c =>
        {
            var s = measured.Times[c.Target];
            var values = s.Spread();
            double? goal = c.Target switch
            {
                "Start" => floor is null ? null : floor.Median + StartOverFloorSeconds,
                "Restart" => RestartOverStart * measured.Times["Start"].Median,
                _ => c.GoalSeconds,
            };
            values["goal"] = goal;
            values["python"] = c.PythonSeconds;
            if (measured.Jit?[c.Target] is { } jit) values["jit"] = jit.Median;
            var verdict = goal is not { } g ? "no goal: the floor was not measured" : s.Median <= g ? "meets goal" : $"over goal by {s.Median - g:0.00} s";
            if (c.Target == "Start" && layoutFloor is not null) verdict += $"; {s.Median - layoutFloor.Median:0.00} s over the two instances' floor";
            return new BenchmarkRow(c.Target, values, verdict);
        }).ToList();
        var floorValues = floor?.Spread() ?? new Dictionary<string, double?>();
        rows.Add(new BenchmarkRow("floor: bundled backend alone, process start → healthy", floorValues,
            floorMissing ?? "dotnet TradingApi.dll (core,broker) on a free port, /core/health polled every 5 ms"));
        rows.Add(new BenchmarkRow("floor: the layout's two instances started at once → both healthy", layoutFloor?.Spread() ?? new Dictionary<string, double?>(),
            floorMissing ?? "core,broker and core,datafeed, as Start starts them: on the same cores at once"));
        return new BenchmarkSection("lifecycle", $"Lifecycle wall time (s), through the {program} as a user runs it",
        [
            new("median", "median s"), new("min", "min s"), new("max", "max s"), new("runs", "runs", "0"),
            new("goal", "goal s", "0.00"), new("jit", "JIT program s (same run)", "0.00"), new("python", "Python tool s (measured elsewhere)", "0.00"),
        ], rows, "Default layout (broker + datafeed, one instance each), backend already built. Each cycle: Start, Status, Restart, Stop. " +
            $"Goals: Start ≤ floor (one instance alone, as issue 13 states it) + {StartOverFloorSeconds} s, Restart ≤ {RestartOverStart} × Start. The Python tool's figures come from issue 13's side-by-side run, not this one.");
    }
}
