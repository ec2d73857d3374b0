using Orchestration.Builds;
using System.Diagnostics;
using Orchestration.Lifecycle;
using Orchestration.Packages;

namespace Orchestration.Benchmarks;

/// <summary>
/// The whole benchmark in one call: installs its tools when missing, then measures the backend floor, the
/// lifecycle, idle memory, gateway throughput, availability and crash recovery on one stack, Start as instances grow, and
/// the bootstrap. A section that cannot be measured says why in its rows; the run goes on and
/// <see cref="BenchmarkOutcome.Errors"/> lists what failed.
/// </summary>
public sealed class BenchmarkSuite(BenchmarkContext context)
{
    /// <summary>The default place of the JSON, under the repository: <c>.local/bench/latest.json</c>.</summary>
    public static string DefaultJsonPath(string repoRoot) => Path.Combine(repoRoot, ".local", "bench", "latest.json");

    /// <summary>Finds wrk and hyperfine, installing them with apt-get when root; a missing tool is noted, not fatal.</summary>
    public static async Task<BenchmarkContext> WithToolsAsync(BenchmarkContext context, PackageInstaller packages, CancellationToken cancellationToken)
    {
        var wrk = await packages.EnsureAsync("wrk", ["wrk"], cancellationToken).ConfigureAwait(false);
        var hyperfine = await packages.EnsureAsync("hyperfine", ["hyperfine"], cancellationToken).ConfigureAwait(false);
        return context with { Wrk = wrk.Path, WrkMissing = wrk.Error, Hyperfine = hyperfine.Path, HyperfineMissing = hyperfine.Error };
    }

    public async Task<BenchmarkOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.Now;
        var machine = MachineInfo.Current();
        var clock = Stopwatch.StartNew();
        var sections = new List<BenchmarkSection>();
        var errors = new List<string>();

        var backend = await new BackendBuilder(context.Dotnet).EnsureBuiltAsync(context.BundledProject, cancellationToken).ConfigureAwait(false);
        Samples? floor = null, layoutFloor = null;
        string? floorError = null;
        try
        {
            if (context.Wants("lifecycle"))
            {
                floor = await new BackendFloorBenchmark(context).MeasureAsync(backend.TargetPath, cancellationToken).ConfigureAwait(false);
                // The default layout's two instances, as Start starts them: at once, on the same cores.
                layoutFloor = await new BackendFloorBenchmark(context).MeasureTogetherAsync([context.Dotnet, backend.TargetPath], ["core,broker", "core,datafeed"], cancellationToken).ConfigureAwait(false);
            }
        }
        catch (BenchmarkException ex)
        {
            floorError = "failed: " + FirstLine(ex.Message);
            errors.Add("backend floor: " + ex.Message);
        }

        if (StackSections.Any(context.Wants))
        {
            await using var stack = BenchmarkStack.Default(context);
            await Measure("lifecycle", errors, sections, async () =>
            {
                var lifecycle = new LifecycleBenchmark(context);
                return lifecycle.Section(await lifecycle.MeasureAsync(stack, cancellationToken).ConfigureAwait(false), floor, layoutFloor, floorError);
            }).ConfigureAwait(false);
            // Memory's Start is what throughput, availability and crash measure on: it runs when any of them is wanted.
            var started = await Measure("memory", errors, sections, async () =>
            {
                (await stack.RunAsync("Start", cancellationToken).ConfigureAwait(false)).EnsureOk();
                return await new MemoryBenchmark(context).MeasureAsync(stack, cancellationToken).ConfigureAwait(false);
            }, always: StackSections[2..].Any(context.Wants)).ConfigureAwait(false);
            if (started)
            {
                await Measure("throughput", errors, sections, () =>
                    new GatewayThroughputBenchmark(context).MeasureAsync(stack.Gateway, stack.Ports[2], cancellationToken)).ConfigureAwait(false);
                await Measure("metrics", errors, sections, () =>
                    new MetricsCostBenchmark(context).MeasureAsync(stack, cancellationToken)).ConfigureAwait(false);
                await Measure("availability", errors, sections, () =>
                    new AvailabilityBenchmark(context).MeasureAsync(stack, cancellationToken)).ConfigureAwait(false);
                await Measure("crash", errors, sections, () =>
                    new CrashRecoveryBenchmark(context).MeasureAsync(stack, cancellationToken)).ConfigureAwait(false);
            }
        }
        await Measure("watch", errors, sections, () => new WatchLatencyBenchmark(context).MeasureAsync(cancellationToken)).ConfigureAwait(false);
        await Measure("scaling", errors, sections, () => new ScalingBenchmark(context).MeasureAsync(cancellationToken)).ConfigureAwait(false);
        await Measure("aot", errors, sections, () => new NativeAotBenchmark(context).MeasureAsync(cancellationToken)).ConfigureAwait(false);
        await Measure("bootstrap", errors, sections, () => new BootstrapBenchmark(context).MeasureAsync(cancellationToken)).ConfigureAwait(false);

        var report = new BenchmarkReport(machine, context.Quick, startedAt, clock.Elapsed, sections);
        var path = context.JsonOutput;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, report.Json(), cancellationToken).ConfigureAwait(false);
        return new BenchmarkOutcome(report, path, errors);
    }

    /// <summary>Every section key, in the order they run: what <c>--benchmark-only</c> accepts.</summary>
    public static readonly IReadOnlyList<string> SectionKeys = ["lifecycle", "memory", "throughput", "metrics", "availability", "crash", "watch", "scaling", "aot", "bootstrap"];

    /// <summary>The sections measured on the default stack; throughput, availability and crash need memory's Start.</summary>
    private static readonly string[] StackSections = ["lifecycle", "memory", "throughput", "metrics", "availability", "crash"];

    private Task<bool> Measure(string key, List<string> errors, List<BenchmarkSection> sections, Func<Task<BenchmarkSection>> measure, bool always = false) =>
        Measure(key, errors, sections, async () => (IReadOnlyList<BenchmarkSection>)[await measure().ConfigureAwait(false)], always);

    /// <summary>
    /// Runs one measurement when it is wanted (false when skipped); a <see cref="BenchmarkException"/> becomes an
    /// error row in its section and an entry in <paramref name="errors"/>.
    /// </summary>
    /// <param name="always">Run it even when not wanted (what it starts, others measure), without reporting it.</param>
    private async Task<bool> Measure(string key, List<string> errors, List<BenchmarkSection> sections, Func<Task<IReadOnlyList<BenchmarkSection>>> measure, bool always = false)
    {
        if (!context.Wants(key) && !always) return false;
        context.Log($"measuring {key} ...");
        try
        {
            var measured = await measure().ConfigureAwait(false);
            if (context.Wants(key)) sections.AddRange(measured);
            return true;
        }
        catch (BenchmarkException ex)
        {
            errors.Add($"{key}: {ex.Message}");
            sections.Add(new BenchmarkSection(key, key, [], [new BenchmarkRow("not measured", new Dictionary<string, double?>(), "failed: " + FirstLine(ex.Message))]));
            return false;
        }
    }

    private static string FirstLine(string text) => text.Split('\n')[0];
}

/// <summary>The report, where its JSON was written, and what could not be measured.</summary>
public sealed record BenchmarkOutcome(BenchmarkReport Report, string JsonPath, IReadOnlyList<string> Errors);
