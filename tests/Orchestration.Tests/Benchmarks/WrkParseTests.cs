using Orchestration.Benchmarks;

namespace Orchestration.Tests.Benchmarks;

/// <summary>Reading wrk 4.1's report, taken from real runs on this machine.</summary>
public sealed class WrkParseTests
{
    private const string AllNon2xx = """
        Running 1s test @ http://127.0.0.1:18700/api/v1/nope
          1 threads and 4 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency    79.30us  279.13us   4.07ms   98.00%
            Req/Sec    81.57k    21.04k  112.61k    45.45%
          Latency Distribution
             50%   40.00us
             75%   57.00us
             90%   81.00us
             99%    1.50ms
          88944 requests in 1.10s, 18.07MB read
          Non-2xx or 3xx responses: 88944
        Requests/sec:  80813.51
        Transfer/sec:     16.42MB
        """;

    private const string SlowWithSocketErrors = """
        Running 5s test @ http://127.0.0.1:8000/api/v1/datafeed/config
          2 threads and 32 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency   310.20ms  500.12ms    2.00s    90.00%
            Req/Sec    50.00     20.00   100.00     70.00%
          Latency Distribution
             50%  120.50ms
             75%  300.00ms
             90%  900.00ms
             99%    1.90s
          500 requests in 5.01s, 100.00KB read
          Socket errors: connect 3, read 2, write 0, timeout 7
        Requests/sec:     99.80
        Transfer/sec:     19.96KB
        """;

    [Fact]
    public void Microsecond_latencies_become_milliseconds_and_non_2xx_count_as_failed()
    {
        var r = WrkRunner.Parse(AllNon2xx);
        Assert.Equal(80813.51, r.RequestsPerSecond);
        Assert.Equal(0.04, r.P50Ms, 6);
        Assert.Equal(1.5, r.P99Ms, 6);
        Assert.Equal(88944, r.Requests);
        Assert.Equal(88944, r.Failed);
        Assert.Equal(0, r.SocketErrors);
    }

    [Fact]
    public void Second_latencies_and_every_kind_of_socket_error_are_read()
    {
        var r = WrkRunner.Parse(SlowWithSocketErrors);
        Assert.Equal(120.5, r.P50Ms, 6);
        Assert.Equal(1900, r.P99Ms, 6);
        Assert.Equal(12, r.SocketErrors);
        Assert.Equal(0, r.Non2xx);
        Assert.Equal(12, r.Failed);
    }

    [Fact]
    public void A_report_without_latency_distribution_says_to_pass_latency()
    {
        var withoutDistribution = string.Join('\n', AllNon2xx.Split('\n').Where(l => !l.Contains('%') || l.Contains("Stdev")));
        var ex = Assert.Throws<BenchmarkException>(() => WrkRunner.Parse(withoutDistribution));
        Assert.Contains("--latency", ex.Message);
    }

    [Fact]
    public void Output_that_is_not_a_wrk_report_is_an_error_that_shows_it()
    {
        var ex = Assert.Throws<BenchmarkException>(() => WrkRunner.Parse("unable to connect to 127.0.0.1:18799 Connection refused"));
        Assert.Contains("Connection refused", ex.Message);
    }
}
