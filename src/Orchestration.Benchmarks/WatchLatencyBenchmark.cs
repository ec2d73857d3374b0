using System.Diagnostics;

namespace Orchestration.Benchmarks;

/// <summary>
/// Issue 7's figures: from saving a source file to the new code answering through the gateway, and
/// the requests that failed meanwhile under a steady load, with one instance and with two. Measured
/// on a copy of <see cref="SampleProject"/> in a temp folder, so the user's sources are never touched.
/// </summary>
public sealed class WatchLatencyBenchmark(BenchmarkContext context)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    private static readonly IReadOnlyList<BenchmarkColumn> Columns =
    [
        new("median", "save → new answer, median s"), new("min", "min s"), new("max", "max s"), new("runs", "edits", "0"),
        new("goal", "goal s", "0.0"), new("requests", "requests during a reload under load", "0"), new("failed", "failed", "0"),
    ];

    public async Task<BenchmarkSection> MeasureAsync(CancellationToken cancellationToken)
    {
        var rows = new List<BenchmarkRow>();
        // --quick is a smoke check: the small project, one instance (a copy of the bundled backend costs a full first build).
        var subjects = context.Quick ? [WatchSubject.Sample] : new[] { WatchSubject.Bundled(context.RepoRoot), WatchSubject.Sample };
        foreach (var subject in subjects)
        {
            foreach (var instances in context.Quick ? [1] : new[] { 1, 2 })
                rows.Add(await MeasureAsync(subject, instances, cancellationToken).ConfigureAwait(false));
        }
        return new BenchmarkSection("watch", "Watch mode: save → new code answering through the gateway; failed requests during a reload under load", Columns, rows,
            "Edits, one at a time, to a copy of the project in a temp folder on a quiet machine; then one more under a steady " +
            "load (4 workers). Most of the time is `dotnet build` of the project.");
    }

    private async Task<BenchmarkRow> MeasureAsync(WatchSubject subject, int instances, CancellationToken cancellationToken)
    {
        await using var stack = BenchmarkStack.Watched(context, subject, instances);
        (await stack.RunAsync("Start", cancellationToken).ConfigureAwait(false)).EnsureOk();
        var url = $"http://127.0.0.1:{stack.Gateway}{subject.Path}";
        // A developer's first save comes seconds after Start, when the supervisor has warmed the compiler up.
        var warm = Stopwatch.StartNew();
        while (stack.State()?.Watch.FirstOrDefault()?.CompilerWarm != true && warm.Elapsed < Limit)
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        // Latency on a quiet machine, as a developer saves; then one more edit under a steady load for failures.
        var latencies = new List<double>();
        for (var edit = 1; edit <= context.Runs; edit++)
            latencies.Add(await EditAsync(stack, subject, http, url, $"v{edit}", cancellationToken).ConfigureAwait(false));
        var load = await new LoadGenerator(url).RunDuringAsync(
            ct => EditAsync(stack, subject, http, url, "under-load", ct), TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(0.5), cancellationToken).ConfigureAwait(false);
        context.Log($"watch, {subject.Name}, {instances} instance(s): save → answer {Samples.Of(latencies).Median:0.00} s median; {load.Failed} of {load.Requests} requests failed");
        var values = Samples.Of(latencies).Spread();
        values["goal"] = 3.0;
        values["requests"] = load.Requests;
        values["failed"] = load.Failed;
        return new BenchmarkRow($"{subject.Name}, {instances} instance{(instances > 1 ? "s" : "")}", values, load.Failed == 0 ? null : $"failures: {load.DescribeKinds()}");
    }

    /// <summary>Saves a new answer; returns the seconds until the gateway gives it, once the reload is finished.</summary>
    private static async Task<double> EditAsync(BenchmarkStack stack, WatchSubject subject, HttpClient http, string url, string answer, CancellationToken cancellationToken)
    {
        var reloads = stack.State()?.Watch.FirstOrDefault()?.LastReloadAt;
        var clock = Stopwatch.StartNew();
        subject.Edit(stack.Directory, answer);
        while (!subject.Shows(await AnswerAsync(http, url, cancellationToken).ConfigureAwait(false), answer))
        {
            if (clock.Elapsed > Limit) throw new BenchmarkException($"the gateway did not answer {answer} within {Limit.TotalSeconds} s of the edit");
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        // The next edit only once this reload is finished (every instance back on its configured port).
        while (stack.State()?.Watch.FirstOrDefault()?.LastReloadAt == reloads && clock.Elapsed < Limit)
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        return seconds;
    }

    private static async Task<string?> AnswerAsync(HttpClient http, string url, CancellationToken cancellationToken)
    {
        try
        {
            return await http.GetStringAsync(url, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
