using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using CliWrap;
using CliWrap.Buffered;

namespace Integration.Tests;

/// <summary>The benchmark as CI runs it: <c>Benchmark --quick</c> through the build program, on stacks of its own.</summary>
public sealed class BenchmarkTests
{
    private static readonly string[] Sections = ["lifecycle", "memory", "throughput", "metrics", "availability", "crash", "watch", "scaling", "aot_backend", "aot_scaling", "aot_throughput", "bootstrap"];

    [Fact]
    public async Task Benchmark_quick_prints_every_section_and_writes_json()
    {
        var output = Path.Combine(Path.GetTempPath(), $"orch-bench-test-{Guid.NewGuid():N}.json");
        var benchDirsBefore = BenchDirectories();
        // The Native AOT section runs the published binary: publish it (or find it up to date) outside the budget below.
        using (var publish = new CancellationTokenSource(TimeSpan.FromMinutes(10)))
            await new Orchestration.Builds.AotPublisher("dotnet").EnsurePublishedAsync(Path.Combine(Repo.Root, "src", "TradingApi", "TradingApi.csproj"), publish.Token);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(480)); // ~200 s here with the Native AOT section and the live operations; room for a slower, shared CI day
        var clock = Stopwatch.StartNew();
        try
        {
            var run = await Cli.Wrap("dotnet")
                .WithArguments([Repo.BuildProgram, "Benchmark", "--quick", "--benchmark-output", output])
                .WithWorkingDirectory(Repo.Root)
                .WithEnvironmentVariables(e => e.Set("NO_COLOR", "1").Set("TERM", "dumb"))
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(Encoding.UTF8, cts.Token);
            var text = run.StandardOutput + run.StandardError;
            Assert.True(run.ExitCode == 0, $"Benchmark --quick exited with {run.ExitCode} after {clock.Elapsed.TotalSeconds:0} s:\n{text}");

            foreach (var title in new[] { "### Lifecycle wall time", "### Idle memory", "### Gateway vs direct", "### Gateway figures: the supervisor's cost", "### Failed requests under steady load", "### Crash recovery", "### Start time as the instance count grows", "### Fast CLI: warm commands as typed", "### Watch mode" })
                Assert.Contains(title, text);
            Assert.Matches(@"\| Start \| \d+\.\d{3} \|", text);

            var json = JsonNode.Parse(File.ReadAllText(output))!;
            Assert.True(json["quick"]!.GetValue<bool>());
            var sections = json["sections"]!.AsObject();
            Assert.Equal(Sections.Order(), sections.Select(s => s.Key).Order());

            var lifecycle = Rows(json, "lifecycle");
            foreach (var target in new[] { "Start", "Stop", "Status", "Restart" })
            {
                var row = lifecycle.Single(r => Name(r) == target);
                Assert.True(Number(row, "median") > 0, $"{target}: {row}");
                Assert.Equal(1, Number(row, "runs"));
            }
            Assert.True(Number(lifecycle.Single(r => Name(r).StartsWith("floor: bundled backend alone")), "median") > 0);
            Assert.True(Number(lifecycle.Single(r => Name(r).StartsWith("floor: the layout's two instances")), "median") > 0);
            Assert.Contains("over the two instances' floor", lifecycle.Single(r => Name(r) == "Start")["note"]!.GetValue<string>());

            var memory = Rows(json, "memory");
            Assert.Contains(memory, r => Name(r) == "supervisor");
            Assert.All(memory, r => Assert.True(Number(r, "rss_mb") > 1, $"{r}"));

            var throughput = Rows(json, "throughput");
            Assert.Equal(2, throughput.Count);
            Assert.All(throughput, r => Assert.True(
                Number(r, "gateway_rps") > 0 && Number(r, "direct_rps") > 0 && Number(r, "ratio") > 0 && Number(r, "gateway_p99_ms") > 0
                || r["note"]?.GetValue<string>().Contains("wrk") == true, $"{r}"));

            var metrics = Rows(json, "metrics");
            Assert.Equal(3, metrics.Count);
            Assert.True(Number(metrics[0], "rps") > 0 && Number(metrics[0], "lines") > 0 && Number(metrics[0], "reader_cpu_pct_at_5000") >= 0, $"{metrics[0]}");

            var availability = Rows(json, "availability");
            var rolling = availability.Single(r => Name(r).Contains("rolling"));
            Assert.True(Number(rolling, "requests") > 0 && Number(rolling, "action_s") > 0, $"{rolling}");
            Assert.True(Number(rolling, "failed") == 0, $"a rolling Restart must not fail a request: {rolling}");
            var allAtOnce = availability.Single(r => Name(r).Contains("all-at-once"));
            // Every failed request is counted and said what it was (stop then start drops some).
            Assert.True(Number(allAtOnce, "failed") <= Number(allAtOnce, "requests"), $"{allAtOnce}");
            Assert.True(Number(allAtOnce, "failed") == 0 || allAtOnce["note"]?.GetValue<string>().Contains("failures:") == true, $"{allAtOnce}");
            var live = availability.Where(r => Name(r).StartsWith("during Scale") || Name(r).StartsWith("during Apply") || Name(r).StartsWith("during Restart --server")).ToList();
            Assert.Equal(7, live.Count);
            Assert.All(live, r => Assert.True(Number(r, "requests") > 0 && Number(r, "failed") == 0, $"a live operation must not fail a request: {r}"));
            // nginx is reloaded only when its config changes: a restart or an env change never closes a client's connection.
            Assert.All(live.Where(r => Name(r).Contains("Restart") || Name(r).Contains("env change")), r => Assert.True(Number(r, "retried") == 0, $"{r}"));
            var watch = availability.Single(r => Name(r).Contains("watch"));
            Assert.True(Number(watch, "requests") > 0 && Number(watch, "failed") == 0, $"{watch}");

            var crash = Rows(json, "crash");
            Assert.Equal(2, crash.Count); // an instance and nginx, each restarted and answering again
            Assert.All(crash, r => Assert.True(Number(r, "seconds") > 0, $"{r}"));

            var latency = Assert.Single(Rows(json, "watch"));
            Assert.True(Number(latency, "median") > 0 && Number(latency, "requests") > 0, $"{latency}");
            Assert.True(Number(latency, "failed") == 0, $"a watch-mode reload must not fail a request: {latency}");

            var scaling = Rows(json, "scaling");
            Assert.Equal([1.0, 2.0, 4.0, 8.0], scaling.Select(r => Number(r, "instances")));
            Assert.All(scaling, r => Assert.True(Number(r, "start_median") > 0 && Number(r, "stop_median") > 0 && Number(r, "rss_total_mb") > 0, $"{r}"));

            var aotBackend = Rows(json, "aot_backend");
            Assert.Equal(3, aotBackend.Count); // start → healthy, CPU to healthy and idle RSS, each with its goal and the JIT figure beside
            Assert.All(aotBackend, r => Assert.True(Number(r, "aot_median") > 0 && Number(r, "jit_median") > 0 && Number(r, "goal") > 0, $"{r}"));
            var aotScaling = Rows(json, "aot_scaling");
            Assert.Equal([2.0, 4.0, 32.0], aotScaling.Select(r => Number(r, "instances")));
            Assert.All(aotScaling, r => Assert.True(Number(r, "aot_start") > 0 && Number(r, "aot_rss") > 0 && Number(r, "aot_alone") > 0, $"{r}"));
            Assert.All(aotScaling.Take(2), r => Assert.True(Number(r, "jit_start") > 0, $"{r}"));
            Assert.Equal(4, Rows(json, "aot_throughput").Count);

            var bootstrap = Rows(json, "bootstrap");
            Assert.Equal(6, bootstrap.Count); // --help and stopped Status through build.sh, the same with the JIT program, NUKE-style, the floor
            Assert.All(bootstrap, r => Assert.True(Number(r, "median") > 0, $"{r}"));
            Assert.Contains(bootstrap, r => Name(r).Contains("./build.sh --help") && r["goal"] is not null);
            // Measured with the native program the Test target published (the JIT program's figures beside).
            Assert.All(lifecycle.Where(r => !Name(r).StartsWith("floor")), r => Assert.True(Number(r, "jit") > 0, $"{r}"));

            // Every stack it started is gone, folder and all.
            Assert.Empty(BenchDirectories().Except(benchDirsBefore));
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static List<JsonNode> Rows(JsonNode json, string section) =>
        json["sections"]![section]!["rows"]!.AsArray().Select(r => r!).ToList();

    private static string Name(JsonNode row) => row["name"]!.GetValue<string>();

    private static double Number(JsonNode row, string key) => row[key]?.GetValue<double>() ?? double.NaN;

    private static HashSet<string> BenchDirectories() =>
        Directory.EnumerateDirectories(Path.GetTempPath(), "orch-bench-*").ToHashSet();
}
