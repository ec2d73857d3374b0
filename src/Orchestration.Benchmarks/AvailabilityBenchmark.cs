using Orchestration.State;

namespace Orchestration.Benchmarks;

/// <summary>
/// Failed requests under a steady load through the gateway while the stack is replaced or changed:
/// during a rolling <c>Restart</c>, <c>Restart --server</c>, <c>Scale</c> up and down and <c>Apply</c>
/// of an env change, a new server, a gateway setting and the way back (issue 12's goal: zero for each),
/// during <c>Restart --all-at-once</c> (stop then start, as the guide's tool does), and during a
/// watch-mode reload (issue 7's goal: zero).
/// </summary>
public sealed class AvailabilityBenchmark(BenchmarkContext context)
{
    private static readonly TimeSpan ReloadWithin = TimeSpan.FromSeconds(60);

    private static readonly IReadOnlyList<BenchmarkColumn> Columns =
    [
        new("requests", "requests", "0"), new("failed", "failed", "0"), new("failed_pct", "failed %", "0.00"),
        new("outage_s", "first→last failure s", "0.000"), new("action_s", "action s", "0.000"), new("retried", "retried", "0"),
    ];

    /// <summary>The path under load: a REST call that crosses the gateway to datafeed-0.</summary>
    public const string LoadPath = "/api/v1/datafeed/config";

    public async Task<BenchmarkSection> MeasureAsync(BenchmarkStack stack, CancellationToken cancellationToken)
    {
        var url = $"http://127.0.0.1:{stack.Gateway}{LoadPath}";
        var settle = TimeSpan.FromSeconds(context.Quick ? 0.3 : 1);
        var rolling = await new LoadGenerator(url).RunDuringAsync(
            async ct => (await stack.RunAsync("Restart", ct).ConfigureAwait(false)).EnsureOk(), settle, settle, cancellationToken).ConfigureAwait(false);
        context.Log($"rolling Restart under load: {rolling.Failed} of {rolling.Requests} requests failed");
        var allAtOnce = await new LoadGenerator(url).RunDuringAsync(
            async ct => (await stack.RunAsync("Restart", ["--all-at-once"], ct).ConfigureAwait(false)).EnsureOk(), settle, settle, cancellationToken).ConfigureAwait(false);
        context.Log($"Restart --all-at-once under load: {allAtOnce.Failed} of {allAtOnce.Requests} requests failed");
        var rows = new List<BenchmarkRow>
        {
            Row("during Restart (./build.sh Restart, rolling)", rolling, "each instance replaced in turn with its listening socket handed over (socket_handoff), health-gated; goal 0 failed"),
            Row("during Restart --all-at-once", allAtOnce, "stop then start: the gateway is down in between"),
        };
        rows.Add(await WatchReloadAsync(stack, url, settle, cancellationToken).ConfigureAwait(false));
        rows.AddRange(await LiveOperationsAsync(stack, url, settle, cancellationToken).ConfigureAwait(false));
        rows.Add(await RepeatedReloadsAsync(stack, url, settle, cancellationToken).ConfigureAwait(false));
        return new BenchmarkSection("availability", $"Failed requests under steady load through the gateway (4 workers, GET {LoadPath})", Columns, rows,
            "failed = non-2xx + connection errors; each failure pauses its worker 10 ms. Goal for a rolling Restart, Scale, Apply and a watch-mode reload: 0 failed. " +
            "retried = requests sent once more because a graceful nginx reload closed their keepalive connection as they were sent (HTTP's keepalive race, RFC 9112 §9.3.1; " +
            "browsers retry these too): at most one per connection per reload, and only on rows that reload nginx.");
    }

    /// <summary>
    /// Each live operation under the same load: the load crosses datafeed-0, so datafeed is the server
    /// restarted, scaled and changed. The config goes back to what it was at the end (the last row).
    /// </summary>
    private async Task<IReadOnlyList<BenchmarkRow>> LiveOperationsAsync(BenchmarkStack stack, string url, TimeSpan settle, CancellationToken cancellationToken)
    {
        var original = File.ReadAllText(stack.ConfigPath);
        const string datafeed = "    modules: [core, datafeed]\n    reload: true\n";
        if (!original.Contains(datafeed, StringComparison.Ordinal)) throw new BenchmarkException($"{stack.ConfigPath} does not have the default datafeed server");
        var quotesPort = Processes.PortProbe.PickFree();
        var withEnv = original.Replace(datafeed, datafeed + "    env:\n      LOG_LEVEL: debug\n", StringComparison.Ordinal);
        var withServer = withEnv.Replace("websocket:\n", $"  quotes:\n    port: {quotesPort}\n    modules: [core]\n    reload: false\n    publish: jit\nwebsocket:\n", StringComparison.Ordinal);
        var withGateway = withServer.Replace("worker_connections: 1024", "worker_connections: 2048", StringComparison.Ordinal);
        var steps = new (string Name, string Note, string? Config, string Target, string[] Arguments)[]
        {
            ("during Restart --server datafeed", "its one instance replaced with its listening socket handed over, health-gated", null, "Restart", ["--server", "datafeed"]),
            ("during Scale up (datafeed 1 → 3)", "new instances health-gated, then nginx reloaded onto them", null, "Scale", ["--server", "datafeed", "--instances", "3"]),
            ("during Scale down (datafeed 3 → 1)", "nginx reloaded off them, then they drain", null, "Scale", ["--server", "datafeed", "--instances", "1"]),
            ("during Apply: env change (datafeed)", "rolling replace", withEnv, "Apply", []),
            ("during Apply: a new server", "started, health-gated, then routed", withServer, "Apply", []),
            ("during Apply: a gateway setting", "worker_connections 1024 → 2048: graceful reload", withGateway, "Apply", []),
            ("during Apply: back to the first config", "server removed and drained, env and gateway back", original, "Apply", []),
        };
        var rows = new List<BenchmarkRow>();
        foreach (var step in steps)
        {
            if (step.Config is not null) await File.WriteAllTextAsync(stack.ConfigPath, step.Config, cancellationToken).ConfigureAwait(false);
            var result = await new LoadGenerator(url).RunDuringAsync(
                async ct => (await stack.RunAsync(step.Target, step.Arguments, ct).ConfigureAwait(false)).EnsureOk(), settle, settle, cancellationToken).ConfigureAwait(false);
            context.Log($"{step.Name[7..]} under load: {result.Failed} of {result.Requests} requests failed");
            rows.Add(Row(step.Name, result, step.Note + "; goal 0 failed"));
        }
        return rows;
    }

    /// <summary>
    /// The residual of a graceful nginx reload under keepalive load, over many reloads and (in a full
    /// run) well over 500,000 requests: SIGHUP to our nginx (by the pid state.json records, proven
    /// ours) once a second while the load runs.
    /// </summary>
    private async Task<BenchmarkRow> RepeatedReloadsAsync(BenchmarkStack stack, string url, TimeSpan settle, CancellationToken cancellationToken)
    {
        var duration = TimeSpan.FromSeconds(context.Quick ? 3 : 120);
        var reloads = 0;
        var result = await new LoadGenerator(url).RunDuringAsync(async ct =>
        {
            var until = DateTime.UtcNow + duration;
            while (DateTime.UtcNow < until)
            {
                var nginx = stack.State()?.Processes.FirstOrDefault(p => p.Kind == ProcessKind.Nginx)?.Identity.FindAlive()
                    ?? throw new BenchmarkException("nginx is not running");
                Processes.Posix.Kill(nginx.Pid, Processes.Posix.SIGHUP);
                reloads++;
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
        }, settle, settle, cancellationToken).ConfigureAwait(false);
        context.Log($"{reloads} nginx reloads under load: {result.Failed} failed, {result.Retried} retried of {result.Requests} requests");
        return Row($"during {reloads} nginx reloads, 1 per second", result,
            $"{(double)result.Retried / Math.Max(1, reloads):0.00} retried per reload with 4 keepalive connections");
    }

    private static BenchmarkRow Row(string name, LoadResult r, string? note) => new(name, new Dictionary<string, double?>
    {
        ["requests"] = r.Requests,
        ["failed"] = r.Failed,
        ["failed_pct"] = r.Requests > 0 ? 100.0 * r.Failed / r.Requests : null,
        ["outage_s"] = r.OutageSeconds ?? 0,
        ["action_s"] = r.ActionTime.TotalSeconds,
        ["retried"] = r.Retried,
    }, r.Failed == 0 ? note : $"{note}; failures: {r.DescribeKinds()}");

    /// <summary>True when the running stack's supervisor watches some server's sources (watch mode exists and is on).</summary>
    public static bool WatchAvailable(DeploymentState? state) => state?.Watch.Any(w => w.Watching) == true;

    /// <summary>
    /// Hook for watch mode (issue 7): under load, touch a source file of a watched server's project and wait
    /// until the supervisor records a reload after it (state.json's watch record, last_reload_at). Until the
    /// supervisor watches anything this row is n/a.
    /// </summary>
    private async Task<BenchmarkRow> WatchReloadAsync(BenchmarkStack stack, string url, TimeSpan settle, CancellationToken cancellationToken)
    {
        const string name = "during watch-mode reload (touch a source file)";
        var state = stack.State();
        if (!WatchAvailable(state)) return new BenchmarkRow(name, new Dictionary<string, double?>(), "n/a (watch mode not available)");
        var watched = state!.Watch.First(w => w.Watching);
        var source = Path.Combine(Path.GetDirectoryName(context.BundledProject)!, "Program.cs");
        var result = await new LoadGenerator(url).RunDuringAsync(async ct =>
        {
            var before = watched.LastReloadAt;
            File.SetLastWriteTimeUtc(source, DateTime.UtcNow);
            var deadline = DateTime.UtcNow + ReloadWithin;
            while (stack.State()?.Watch.FirstOrDefault(w => w.Server == watched.Server) is not { } now || now.LastReloadAt == before)
            {
                if (DateTime.UtcNow > deadline) throw new BenchmarkException($"No reload of {watched.Server} recorded within {ReloadWithin.TotalSeconds} s of touching {source}");
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
        }, settle, settle, cancellationToken).ConfigureAwait(false);
        context.Log($"watch reload under load: {result.Failed} of {result.Requests} requests failed");
        return Row(name, result, $"server {watched.Server}; action = touch → reload recorded");
    }
}
