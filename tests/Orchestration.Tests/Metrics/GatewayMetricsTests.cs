using Orchestration.Metrics;

namespace Orchestration.Tests.Metrics;

public sealed class GatewayMetricsTests
{
    private const double Now = 1_764_600_000.5;

    private static string Line(string path, int status, string rt, string upstream, double msec = Now) =>
        $"127.0.0.1 [01/Dec/2026:15:00:00 +0000] \"GET {path}?x=1 HTTP/1.1\" {status} 20 rt={rt} upstream={upstream} upstream_status={status} urt={rt} request_id=abc msec={msec:0.000}";

    private static readonly HashSet<string> Modules = ["core", "broker"];

    private static string? Instances(string address) => address switch
    {
        "127.0.0.1:5001" => "broker-0",
        "127.0.0.1:5002" => "broker-1",
        _ => null,
    };

    [Fact]
    public void A_line_gives_path_status_time_and_the_upstream_that_answered_after_a_retry()
    {
        var line = AccessLogLine.Parse(Line("/api/v1/broker/orders", 502, "0.012", "127.0.0.1:5001, 127.0.0.1:5002"))!.Value;

        Assert.Equal("/api/v1/broker/orders", line.Path);
        Assert.Equal(502, line.Status);
        Assert.Equal(12, line.RequestMs);
        Assert.Equal("127.0.0.1:5002", line.Upstream);
        Assert.Equal(Now, line.UnixSeconds!.Value, 3);
    }

    [Fact]
    public void A_request_nginx_answered_itself_has_no_upstream_and_a_foreign_line_is_skipped()
    {
        Assert.Null(AccessLogLine.Parse(Line("/nowhere", 404, "0.000", "-"))!.Value.Upstream);
        Assert.Null(AccessLogLine.Parse("not an access log line"));
    }

    [Fact]
    public void Counts_per_instance_and_module_and_exact_percentiles_over_the_window()
    {
        var metrics = new GatewayMetrics();
        for (var i = 0; i < 100; i++)
        {
            var status = i % 10 == 0 ? 500 : i % 10 == 1 ? 404 : 200;
            metrics.Record(Line("/api/v1/broker/x", status, $"0.{i + 1:000}", i % 2 == 0 ? "127.0.0.1:5001" : "127.0.0.1:5002"), Instances, Modules, Now);
        }
        metrics.Record(Line("/api/v1/core/health", 200, "0.001", "127.0.0.1:9999"), Instances, Modules, Now); // not ours: module only

        var report = metrics.Report(Now);

        Assert.Equal(50, report.Instances["broker-0"].Requests);
        Assert.Equal(10, report.Instances["broker-0"].Status5xx); // i % 10 == 0 is always even
        Assert.Equal(0, report.Instances["broker-0"].Status4xx);
        Assert.Equal(10, report.Instances["broker-1"].Status4xx);
        var broker = report.Modules["broker"];
        Assert.Equal(100, broker.TotalRequests);
        Assert.Equal(50, broker.P50Ms);
        Assert.Equal(95, broker.P95Ms);
        Assert.Equal(99, broker.P99Ms);
        Assert.Equal(1, report.Modules["core"].Requests);
        Assert.Equal(100, broker.PerSecond[^1]);
    }

    [Fact]
    public void The_window_forgets_what_is_older_than_a_minute_but_the_totals_keep_it()
    {
        var metrics = new GatewayMetrics();
        metrics.Record(Line("/api/v1/broker/x", 500, "0.010", "127.0.0.1:5001", Now - 120), Instances, Modules, Now);
        metrics.Record(Line("/api/v1/broker/x", 200, "0.002", "127.0.0.1:5001", Now - 2), Instances, Modules, Now);
        metrics.Record(Line("/api/v1/broker/x", 200, "0.002", "127.0.0.1:5001", Now), Instances, Modules, Now);

        var figures = metrics.Report(Now).Instances["broker-0"];

        Assert.Equal(2, figures.Requests);
        Assert.Equal(0, figures.Status5xx);
        Assert.Equal(3, figures.TotalRequests);
        Assert.Equal(1, figures.Total5xx);
        Assert.Equal(2, figures.P99Ms);
        Assert.InRange(figures.RequestsPerSecond, 0.4, 0.5); // 2 requests over 4.5 s
    }

    [Fact]
    public void The_follower_reads_on_across_a_rotation_and_a_truncation_without_losing_or_repeating_a_line()
    {
        var dir = Directory.CreateTempSubdirectory("access-").FullName;
        try
        {
            var path = Path.Combine(dir, "nginx-access.log");
            File.WriteAllText(path, "old\n");
            var lines = new List<string>();
            using var follower = new AccessLogFollower(path, lines.Add);
            File.AppendAllText(path, "before");   // follower not started: opens at 0 on first read
            follower.ReadOnce();
            Assert.Equal(["old"], lines);
            File.AppendAllText(path, " rotation\nlast of old\n");
            File.Move(path, path + ".1");          // rotation: renamed, then nginx reopens a new file
            File.AppendAllText(path + ".1", "written before the reopen\n");
            File.WriteAllText(path, "first of new\n");
            follower.ReadOnce();
            File.AppendAllText(path, "second of new\n");
            follower.ReadOnce();
            File.WriteAllText(path, "");           // LogsClean
            follower.ReadOnce();
            File.AppendAllText(path, "after clean\n");
            follower.ReadOnce();

            Assert.Equal(["old", "before rotation", "last of old", "written before the reopen", "first of new", "second of new", "after clean"], lines);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
