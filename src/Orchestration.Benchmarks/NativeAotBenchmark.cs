using Orchestration.Builds;

namespace Orchestration.Benchmarks;

/// <summary>
/// Production mode (issue 18): the bundled backend as a Native AOT binary beside its JIT build. Three
/// sections: the backend alone (process start → healthy, idle RSS), Start/Stop of prod-config.yaml's
/// layout with 1, 2 and 16 instances per server, and gateway throughput; AOT and JIT from the same run.
/// </summary>
public sealed class NativeAotBenchmark(BenchmarkContext context)
{
    public const double StartGoalSeconds = 0.08;
    public const double RssGoalMb = 30;

    /// <summary>
    /// The most CPU one native instance may use to get healthy for the 16-per-server Start (32 instances) to fit in its
    /// 1.5 s goal with this machine's cores given to the instances alone: an upper bound, the manager's CPU comes on top.
    /// </summary>
    public static double CpuBudgetMs => SixteenPerServerGoalSeconds * Environment.ProcessorCount / (PerServer[^1] * 2) * 1000;
    public const double SixteenPerServerGoalSeconds = 1.5;
    public const double TwoPerServerOverOneSeconds = 0.3;

    public static readonly IReadOnlyList<int> PerServer = [1, 2, 16];

    /// <summary>Publishes (when an input changed) and builds both, then measures; the publish's time and size go in the remark.</summary>
    public async Task<IReadOnlyList<BenchmarkSection>> MeasureAsync(CancellationToken cancellationToken)
    {
        AotPublisher.Published published;
        BackendBuilder.Built jit;
        try
        {
            published = await new AotPublisher(context.Dotnet).EnsurePublishedAsync(context.BundledProject, cancellationToken, context.Log).ConfigureAwait(false);
            jit = await new BackendBuilder(context.Dotnet).EnsureBuiltAsync(context.BundledProject, cancellationToken).ConfigureAwait(false);
        }
        catch (BackendBuildException ex)
        {
            throw new BenchmarkException(ex.Message);
        }
        var publish = published.WasUpToDate
            ? $"binary {published.Size / 1048576.0:0.0} MB (up to date: no publish in this run)"
            : $"binary {published.Size / 1048576.0:0.0} MB, published in {published.CompileTime.TotalSeconds:0.0} s in this run";
        context.Log($"Native AOT: {publish}");
        return [await BackendAloneAsync(published.Binary, jit.TargetPath, publish, cancellationToken).ConfigureAwait(false),
            await ProductionStartAsync(published.Binary, cancellationToken).ConfigureAwait(false),
            await ThroughputAsync(cancellationToken).ConfigureAwait(false)];
    }

    /// <summary>Issue 18's third goal: gateway throughput with AOT instances not lower than with JIT ones (prod-config's layout, one instance per server).</summary>
    private async Task<BenchmarkSection> ThroughputAsync(CancellationToken cancellationToken)
    {
        var rows = new List<BenchmarkRow>();
        BenchmarkSection? last = null;
        foreach (var publish in new[] { "aot", "jit" })
        {
            await using var stack = BenchmarkStack.Production(context, 1, publish);
            (await stack.RunAsync("Start", cancellationToken).ConfigureAwait(false)).EnsureOk();
            last = await new GatewayThroughputBenchmark(context).MeasureAsync(stack.Gateway, stack.Ports[2], cancellationToken).ConfigureAwait(false);
            rows.AddRange(last.Rows.Select(r => r with { Name = $"{(publish == "aot" ? "Native AOT" : "JIT")}, {r.Name}" }));
        }
        return new BenchmarkSection("aot_throughput", "Gateway vs direct (datafeed-0 of prod-config's layout), Native AOT vs JIT", last!.Columns, rows, last.Remark);
    }

    private async Task<BenchmarkSection> BackendAloneAsync(string binary, string dll, string publish, CancellationToken cancellationToken)
    {
        var floor = new BackendFloorBenchmark(context);
        var (aotStart, aotCpu, aotRss) = await floor.MeasureAsync([binary], idleMemory: true, cancellationToken).ConfigureAwait(false);
        var (jitStart, jitCpu, jitRss) = await floor.MeasureAsync([context.Dotnet, dll], idleMemory: true, cancellationToken).ConfigureAwait(false);
        return new BenchmarkSection("aot_backend", "Bundled backend alone, Native AOT vs JIT (core,broker)",
        [
            new("aot_median", "AOT median"), new("aot_min", "AOT min"), new("aot_max", "AOT max"), new("jit_median", "JIT median"),
            new("goal", "AOT goal", "0.00"),
        ],
        [
            Row("process start → healthy, s", aotStart, jitStart, StartGoalSeconds),
            Row("CPU to healthy (user + system), ms", Ms(aotCpu), Ms(jitCpu), CpuBudgetMs),
            Row("idle RSS 1 s after healthy, MB", aotRss!, jitRss!, RssGoalMb),
        ], $"{context.Runs} run(s) each, on a free port, /core/health polled every 5 ms, CPU time from /proc/<pid>/stat (1/100 s ticks) at the first 200; {publish}.");
    }

    private static Samples Ms(Samples seconds) => Samples.Of(seconds.Values.Select(s => s * 1000));

    private static BenchmarkRow Row(string name, Samples aot, Samples jit, double goal) => new(name, new Dictionary<string, double?>
    {
        ["aot_median"] = aot.Median, ["aot_min"] = aot.Min, ["aot_max"] = aot.Max, ["jit_median"] = jit.Median, ["goal"] = goal,
    }, Verdict(aot.Median, goal) + $"; JIT/AOT {jit.Median / aot.Median:0.0}×");

    private async Task<BenchmarkSection> ProductionStartAsync(string binary, CancellationToken cancellationToken)
    {
        var runs = context.Quick ? 1 : 3;
        var rows = new List<BenchmarkRow>();
        double? oneAot = null;
        foreach (var count in PerServer)
        {
            var aot = await StartStopAsync(count, "aot", runs, cancellationToken).ConfigureAwait(false);
            // 32 JIT processes take half a minute on 2 cores: the smoke run (--quick, CI) leaves that row to a full run.
            var jit = context.Quick && count > 2 ? null : await StartStopAsync(count, "jit", runs, cancellationToken).ConfigureAwait(false);
            // The same native instances started at once by nothing but this benchmark, polled until all are
            // healthy: what Start cannot beat on these cores, whatever the manager does.
            var alone = await new BackendFloorBenchmark(context).MeasureTogetherAsync([binary],
                [.. Enumerable.Repeat("core,broker", count), .. Enumerable.Repeat("core,datafeed", count)], cancellationToken, runs).ConfigureAwait(false);
            oneAot ??= aot.Start.Median;
            double? goal = count switch { 16 => SixteenPerServerGoalSeconds, 2 => oneAot + TwoPerServerOverOneSeconds, _ => null };
            context.Log($"prod-config ×{count}: Start AOT {aot.Start.Median:0.000} s, JIT {(jit is null ? "not measured" : $"{jit.Start.Median:0.000} s")}");
            var note = (goal is { } g ? Verdict(aot.Start.Median, g) + (count == 2 ? " (1 per server + 0.3 s)" : "") : "Start's floor for the 2-per-server goal")
                + $"; {aot.Start.Median - alone.Median:0.00} s over the instances alone";
            rows.Add(new BenchmarkRow($"{count} per server", new Dictionary<string, double?>
            {
                ["instances"] = count * 2,
                ["aot_start"] = aot.Start.Median,
                ["aot_alone"] = alone.Median,
                ["jit_start"] = jit?.Start.Median,
                ["goal"] = goal,
                ["aot_stop"] = aot.Stop.Median,
                ["jit_stop"] = jit?.Stop.Median,
                ["aot_rss"] = aot.RssMb.Median,
                ["jit_rss"] = jit?.RssMb.Median,
                ["aot_instances_cpu"] = aot.InstancesCpu.Median,
                ["aot_supervisor_cpu"] = aot.SupervisorCpu.Median,
                // What Start's processes need of the 2 cores at the least, the build program's own share left out.
                ["aot_cpu_floor"] = (aot.InstancesCpu.Median + aot.SupervisorCpu.Median) / Environment.ProcessorCount,
            }, jit is null ? note + "; JIT not measured with --quick" : note));
        }
        return new BenchmarkSection("aot_scaling", "Start and Stop of prod-config.yaml's layout (broker + datafeed), Native AOT vs JIT",
        [
            new("instances", "instances", "0"), new("aot_start", "AOT Start s"), new("aot_alone", "floor: AOT instances alone s"), new("jit_start", "JIT Start s"), new("goal", "AOT Start goal s", "0.00"),
            new("aot_stop", "AOT Stop s"), new("jit_stop", "JIT Stop s"), new("aot_rss", "AOT instances' RSS MB", "0"), new("jit_rss", "JIT instances' RSS MB", "0"),
            new("aot_instances_cpu", "AOT instances' CPU s"), new("aot_supervisor_cpu", "AOT supervisor CPU s"), new("aot_cpu_floor", "AOT CPU floor s"),
        ], rows, $"Medians of {runs} run(s) through the build program (backend up to date); RSS and CPU time (user + system, /proc/<pid>/stat) summed over the instances right after Start; " +
            $"CPU floor = (instances' + supervisor's CPU) / {Environment.ProcessorCount} cores, the least wall time Start needs for them with the cores to itself (the build program's own CPU comes on top). " +
            "Instances alone = the same native instances started at once by the benchmark itself, no supervisor, build program or nginx, until every one answers core/health.");
    }

    private async Task<StartStopRuns> StartStopAsync(int perServer, string publish, int runs, CancellationToken cancellationToken)
    {
        await using var stack = BenchmarkStack.Production(context, perServer, publish);
        return await stack.StartStopAsync(runs, cancellationToken).ConfigureAwait(false);
    }

    private static string Verdict(double value, double goal) => value <= goal ? "meets goal" : $"over goal by {value - goal:0.00}";
}
