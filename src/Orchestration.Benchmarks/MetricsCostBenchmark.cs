using System.Diagnostics;
using Orchestration.Metrics;
using Orchestration.Supervision;

namespace Orchestration.Benchmarks;

/// <summary>
/// What the gateway figures (issue 16) cost the supervisor: the CPU its access-log reader spends
/// (measured by the reader itself, on its thread) and the whole supervisor's CPU, while wrk drives
/// the gateway at full speed; the reader's share is also given at 5,000 req/s (it is linear in
/// lines). Goal: ≤ 5 % of one core at 5,000 req/s. Then the idle supervisor with the dashboard
/// started and no page open (goal: nothing beyond the idle supervisor's own timers).
/// </summary>
public sealed class MetricsCostBenchmark(BenchmarkContext context)
{
    public const double GoalPercent = 5;
    public const double GoalRate = 5000;
    public const int Threads = 1;
    public const int Connections = 8;

    private static readonly IReadOnlyList<BenchmarkColumn> Columns =
    [
        new("rps", "gateway req/s", "0"), new("lines", "log lines read", "0"),
        new("reader_cpu_pct", "reader CPU %", "0.00"), new("reader_cpu_pct_at_5000", "reader CPU % at 5,000 req/s", "0.00"),
        new("supervisor_cpu_pct", "supervisor CPU %", "0.00"), new("goal", "goal %", "0"),
    ];

    public async Task<BenchmarkSection> MeasureAsync(BenchmarkStack stack, CancellationToken cancellationToken)
    {
        var supervisor = stack.State()?.Supervisor.Pid ?? throw new BenchmarkException("the benchmark stack has no supervisor on record");
        var control = new ControlClient(stack.Paths.ControlSocket);
        var rows = new List<BenchmarkRow>();
        if (context.Wrk is null)
            rows.Add(new BenchmarkRow("under load", new Dictionary<string, double?>(), $"n/a ({context.WrkMissing})"));
        else
        {
            var url = $"http://127.0.0.1:{stack.Gateway}/api/v1/datafeed/health";
            var wrk = new WrkRunner(context.Wrk);
            if (!context.Quick) await wrk.RunAsync(url, Threads, Connections, 1, cancellationToken).ConfigureAwait(false);
            await Task.Delay(AccessLogFollower.Interval * 2, cancellationToken).ConfigureAwait(false); // the warm-up's lines are read
            var before = await MetricsAsync(control, cancellationToken).ConfigureAwait(false);
            var ticks = CpuSampler.Ticks(supervisor);
            var clock = Stopwatch.StartNew();
            var load = await wrk.RunAsync(url, Threads, Connections, context.LoadSeconds, cancellationToken).ConfigureAwait(false);
            await Task.Delay(AccessLogFollower.Interval * 2, cancellationToken).ConfigureAwait(false); // every line of the run is read
            var seconds = clock.Elapsed.TotalSeconds;
            var after = await MetricsAsync(control, cancellationToken).ConfigureAwait(false);
            var supervisorPct = 100.0 * ((CpuSampler.Ticks(supervisor) ?? 0) - (ticks ?? 0)) / 100 / seconds;
            var readerPct = 100 * (after.ReaderCpuSeconds - before.ReaderCpuSeconds) / seconds;
            var lines = after.LinesRead - before.LinesRead;
            var at5000 = load.RequestsPerSecond > 0 ? readerPct * GoalRate / load.RequestsPerSecond : (double?)null;
            context.Log($"metrics: {load.RequestsPerSecond:0} req/s, reader {readerPct:0.00} % CPU ({at5000:0.00} % at 5,000 req/s), supervisor {supervisorPct:0.00} %");
            rows.Add(new BenchmarkRow($"under load: GET /api/v1/datafeed/health, wrk -t{Threads} -c{Connections}", new Dictionary<string, double?>
            {
                ["rps"] = load.RequestsPerSecond, ["lines"] = lines,
                ["reader_cpu_pct"] = readerPct, ["reader_cpu_pct_at_5000"] = at5000,
                ["supervisor_cpu_pct"] = supervisorPct, ["goal"] = GoalPercent,
            }, at5000 is { } share && share <= GoalPercent ? "meets goal" : "over goal"));
        }

        // Idle, before and after the dashboard starts (its listener waiting, no page open): the difference is what an unused dashboard costs.
        var idleSeconds = context.Quick ? 2 : 10;
        rows.Add(await IdleAsync(control, supervisor, idleSeconds, $"idle {idleSeconds} s, no dashboard", cancellationToken).ConfigureAwait(false));
        var dashboard = await control.SendAsync(new ControlRequest(ControlCommands.Dashboard, Name: Environment.CurrentDirectory, Names: ["true"]), TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        if (dashboard is not { Ok: true }) throw new BenchmarkException($"the supervisor did not start the dashboard: {dashboard?.Error ?? "no answer"}");
        rows.Add(await IdleAsync(control, supervisor, idleSeconds, $"idle {idleSeconds} s, dashboard started, no page open", cancellationToken).ConfigureAwait(false));

        return new BenchmarkSection("metrics", "Gateway figures: the supervisor's cost", Columns, rows,
            "reader CPU % = CPU time the supervisor's access-log reader spent on its own thread (CLOCK_THREAD_CPUTIME_ID) over the wall time, percent of one core; " +
            "at 5,000 req/s = that share scaled to 5,000 req/s (the reader's work is per line); supervisor CPU % = the whole supervisor process (log routing of the " +
            "backend's output included), from /proc. wrk, nginx and the backend share the machine's cores.");
    }

    private static async Task<BenchmarkRow> IdleAsync(ControlClient control, int supervisor, int seconds, string name, CancellationToken cancellationToken)
    {
        var before = await MetricsAsync(control, cancellationToken).ConfigureAwait(false);
        var ticks = CpuSampler.Ticks(supervisor);
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken).ConfigureAwait(false);
        var supervisorPct = 100.0 * ((CpuSampler.Ticks(supervisor) ?? 0) - (ticks ?? 0)) / 100 / clock.Elapsed.TotalSeconds;
        var after = await MetricsAsync(control, cancellationToken).ConfigureAwait(false);
        return new BenchmarkRow(name, new Dictionary<string, double?>
        {
            ["rps"] = 0, ["lines"] = after.LinesRead - before.LinesRead,
            ["reader_cpu_pct"] = 100 * (after.ReaderCpuSeconds - before.ReaderCpuSeconds) / clock.Elapsed.TotalSeconds,
            ["supervisor_cpu_pct"] = supervisorPct,
        }, "the whole supervisor, its timers included; /proc's clock ticks are 10 ms");
    }

    private static async Task<MetricsReport> MetricsAsync(ControlClient control, CancellationToken cancellationToken) =>
        (await control.SendAsync(new ControlRequest(ControlCommands.Metrics), TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false))?.Metrics
        ?? throw new BenchmarkException("the supervisor did not answer 'metrics'");
}
