namespace Orchestration.Benchmarks;

/// <summary>
/// Requests per second and p50/p99 latency through the nginx gateway against direct to one instance
/// (datafeed-0), for the module health endpoint and one REST endpoint, keepalive on (wrk -t2 -c32).
/// </summary>
public sealed class GatewayThroughputBenchmark(BenchmarkContext context)
{
    public const int Threads = 2;
    public const int Connections = 32;

    /// <summary>Seconds of load on each path before its measured run (a full run; --quick warms nothing).</summary>
    public const int WarmUpSeconds = 3;

    /// <summary>Issue 13's goal for the REST row: the gateway keeps this share of direct throughput.</summary>
    public const double RestGoalRatio = 0.8;

    public static readonly IReadOnlyList<(string Name, string Path, double? GoalRatio)> Endpoints =
    [
        ("health: GET /api/v1/datafeed/health", "/api/v1/datafeed/health", null),
        ("REST: GET /api/v1/datafeed/config", "/api/v1/datafeed/config", RestGoalRatio),
    ];

    private static readonly IReadOnlyList<BenchmarkColumn> Columns =
    [
        new("gateway_rps", "gateway req/s", "0"), new("direct_rps", "direct req/s", "0"), new("ratio", "gateway/direct", "0.00"),
        new("goal_ratio", "goal gateway/direct", "0.00"),
        new("gateway_p50_ms", "gateway p50 ms", "0.00"), new("direct_p50_ms", "direct p50 ms", "0.00"),
        new("gateway_p99_ms", "gateway p99 ms", "0.00"), new("direct_p99_ms", "direct p99 ms", "0.00"),
        new("failed", "failed", "0"),
    ];

    /// <param name="gatewayPort">nginx's port.</param>
    /// <param name="instancePort">datafeed-0's port.</param>
    public async Task<BenchmarkSection> MeasureAsync(int gatewayPort, int instancePort, CancellationToken cancellationToken)
    {
        if (context.Wrk is null)
            return Section(Endpoints.Select(e => new BenchmarkRow(e.Name, new Dictionary<string, double?>(), $"n/a ({context.WrkMissing})")).ToList());
        var wrk = new WrkRunner(context.Wrk);
        var rows = new List<BenchmarkRow>();
        foreach (var (name, path, goal) in Endpoints)
        {
            var gatewayUrl = $"http://127.0.0.1:{gatewayPort}{path}";
            var directUrl = $"http://127.0.0.1:{instancePort}{path}";
            if (!context.Quick)
            {
                // Warm both paths (JIT, connection pools) before the measured runs. 1 s each was too short for the
                // backend's tiered JIT: a fresh instance answered health 30 % slower in its first 5 s than from
                // its 10th on, which made the first direct run (the health row's) slow and its ratio flattering.
                await wrk.RunAsync(directUrl, Threads, Connections, WarmUpSeconds, cancellationToken).ConfigureAwait(false);
                await wrk.RunAsync(gatewayUrl, Threads, Connections, WarmUpSeconds, cancellationToken).ConfigureAwait(false);
            }
            var direct = await wrk.RunAsync(directUrl, Threads, Connections, context.LoadSeconds, cancellationToken).ConfigureAwait(false);
            var gateway = await wrk.RunAsync(gatewayUrl, Threads, Connections, context.LoadSeconds, cancellationToken).ConfigureAwait(false);
            context.Log($"{name}: gateway {gateway.RequestsPerSecond:0} req/s, direct {direct.RequestsPerSecond:0} req/s");
            double? ratio = direct.RequestsPerSecond > 0 ? gateway.RequestsPerSecond / direct.RequestsPerSecond : null;
            rows.Add(new BenchmarkRow(name, new Dictionary<string, double?>
            {
                ["gateway_rps"] = gateway.RequestsPerSecond,
                ["direct_rps"] = direct.RequestsPerSecond,
                ["ratio"] = ratio,
                ["goal_ratio"] = goal,
                ["gateway_p50_ms"] = gateway.P50Ms,
                ["direct_p50_ms"] = direct.P50Ms,
                ["gateway_p99_ms"] = gateway.P99Ms,
                ["direct_p99_ms"] = direct.P99Ms,
                ["failed"] = gateway.Failed + direct.Failed,
            }, Verdict(ratio, goal)));
        }
        return Section(rows);
    }

    /// <summary>Whether the row meets its goal; null for a row without one.</summary>
    public static string? Verdict(double? ratio, double? goal) => (ratio, goal) switch
    {
        (_, null) => null,
        (null, _) => "no ratio: direct answered nothing",
        ({ } r, { } g) when r >= g => "meets goal",
        ({ } r, { } g) => $"below goal by {g - r:0.00}; see docs/performance.md, \"Gateway path: where it spends\"",
    };

    private BenchmarkSection Section(IReadOnlyList<BenchmarkRow> rows) =>
        new("throughput", "Gateway vs direct (one instance), keepalive on", Columns, rows,
            $"wrk -t{Threads} -c{Connections} -d{context.LoadSeconds}s --latency; load generator, nginx and the backend share the machine's cores.");
}
