using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Orchestration.Metrics;
using Orchestration.Supervision;

namespace Integration.Tests;

/// <summary>Per-instance figures from the gateway's access log (issue 16), checked against a known load.</summary>
public sealed class GatewayMetricsTests
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 16 }) { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>The test backend (Assets/health_app.py) as a server of two instances: /fail answers 500, ?delay=N waits N ms.</summary>
    public static string TwoPythonInstances(TestPorts p) => $"""
        nginx:
          port: {p.Gateway}
        servers:
          app:
            port: {p[1]}
            instances: 2
            modules: [core]
            reload: false
            command: ["/usr/bin/python3", "{Configs.HealthApp}", "{"{port}"}"]
        health:
          attempts: 40
          interval: 0.25
          timeout: 1
        stop_timeout: 2
        """;

    [Fact]
    public async Task A_known_load_shows_its_counts_per_instance_within_a_second_and_percentiles_within_the_clients_own()
    {
        await using var stack = new TestStack(TwoPythonInstances);
        await stack.RunOkAsync("Start");
        var control = new ControlClient(Path.Combine(stack.LocalDir, "supervisor.sock"));
        // Start's own checks through the gateway reach the access log within 250 ms (nginx's buffer flush) and
        // the supervisor on its next pass (every 250 ms): the baseline is taken once two looks 800 ms apart
        // agree, so none of them counts as the load's.
        MetricsReport before;
        for (var look = (await control.SendAsync(new ControlRequest(ControlCommands.Metrics), TimeSpan.FromSeconds(5), CancellationToken.None))!.Metrics!; ; )
        {
            await Task.Delay(800);
            before = (await control.SendAsync(new ControlRequest(ControlCommands.Metrics), TimeSpan.FromSeconds(5), CancellationToken.None))!.Metrics!;
            if (before.Instances.Sum(i => i.Value.TotalRequests) == look.Instances.Sum(i => i.Value.TotalRequests)) break;
            look = before;
        }
        var names = new Dictionary<string, string> { [$"127.0.0.1:{stack.Ports[1]}"] = "app-0", [$"127.0.0.1:{stack.Ports[1] + 1}"] = "app-1" };

        // 2,000 requests, 8 at a time: every 10th answers 500; 80 % wait 5 ms in the backend, 20 % 40 ms.
        var sent = new ConcurrentBag<(string Instance, int Status, double Ms)>();
        var next = -1;
        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < 2000)
            {
                var path = i % 10 == 0 ? "fail" : "ok";
                var delay = i % 5 == 1 ? 40 : 5;
                var clock = Stopwatch.StartNew();
                using var response = await Http.GetAsync($"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/core/{path}?delay={delay}");
                await response.Content.ReadAsByteArrayAsync();
                var ms = clock.Elapsed.TotalMilliseconds;
                var upstream = response.Headers.TryGetValues("X-Upstream", out var values) ? values.Single() : "(none)";
                sent.Add((names.GetValueOrDefault(upstream, upstream), (int)response.StatusCode, ms));
            }
        })).ToList();
        await Task.WhenAll(workers);
        var loadEnded = Stopwatch.StartNew();

        Assert.Equal(2000, sent.Count);
        Assert.All(sent, s => Assert.Contains(s.Instance, names.Values)); // every answer names its instance
        var expected = sent.GroupBy(s => s.Instance).ToDictionary(g => g.Key, g => (Requests: g.Count(), Errors: g.Count(s => s.Status == 500)));
        Assert.Equal(200, expected.Values.Sum(e => e.Errors));

        MetricsReport after;
        while (true)
        {
            after = (await control.SendAsync(new ControlRequest(ControlCommands.Metrics), TimeSpan.FromSeconds(5), CancellationToken.None))!.Metrics!;
            var seen = expected.Keys.ToDictionary(k => k, k => (
                Requests: (int)(after.Instances[k].TotalRequests - (before.Instances.GetValueOrDefault(k)?.TotalRequests ?? 0)),
                Errors: (int)(after.Instances[k].Total5xx - (before.Instances.GetValueOrDefault(k)?.Total5xx ?? 0))));
            if (expected.All(e => seen[e.Key] == e.Value)) break;
            Assert.True(loadEnded.Elapsed < TimeSpan.FromSeconds(1),
                $"1 s after the load the supervisor shows {string.Join(", ", seen.Select(s => $"{s.Key} {s.Value}"))}; the client saw {string.Join(", ", expected.Select(e => $"{e.Key} {e.Value}"))}");
            await Task.Delay(50);
        }

        // nginx measures less of each request than the client does, and at least the backend's wait.
        var client = sent.Select(s => s.Ms).Order().ToList();
        double ClientAt(double q) => client[(int)Math.Ceiling(q * client.Count) - 1];
        var core = after.Modules["core"];
        var figures = $"gateway p50/p95/p99 {core.P50Ms}/{core.P95Ms}/{core.P99Ms} ms, client {ClientAt(0.5):0.0}/{ClientAt(0.95):0.0}/{ClientAt(0.99):0.0} ms";
        Assert.True(core.P50Ms >= 4 && core.P50Ms <= ClientAt(0.50) + 1, figures);
        Assert.True(core.P95Ms >= 39 && core.P95Ms <= ClientAt(0.95) + 1, figures);
        Assert.True(core.P99Ms >= 39 && core.P99Ms <= ClientAt(0.99) + 1, figures);
        foreach (var instance in names.Values)
            Assert.True(after.Instances[instance].P99Ms <= ClientAt(0.99) + 1, $"{instance}: p99 {after.Instances[instance].P99Ms} ms; {figures}");

        // Status shows the same figures, as columns and in --json.
        var json = await stack.RunAsync("Status", "--json");
        using var report = JsonDocument.Parse(json.StandardOutput);
        var rows = report.RootElement.GetProperty("processes").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        foreach (var (instance, (requests, errors)) in expected)
        {
            var traffic = rows[instance].GetProperty("traffic");
            Assert.True(traffic.GetProperty("total_requests").GetInt64() >= requests, json.StandardOutput);
            Assert.True(traffic.GetProperty("status5xx").GetInt64() >= errors, json.StandardOutput);
            Assert.True(traffic.TryGetProperty("p99_ms", out _), json.StandardOutput);
            Assert.True(rows[instance].TryGetProperty("cpu_percent", out _), json.StandardOutput);
        }
        var table = await stack.RunAsync("Status");
        Assert.Contains("p50/p95/p99", table.Output);
        Assert.Contains("Req/s", table.Output);
    }

    [Fact]
    public async Task Open_WebSockets_through_the_gateway_are_counted_for_their_instance_and_leave_the_count_when_closed()
    {
        await using var stack = new TestStack(p => Configs.Default(p));
        await stack.RunOkAsync("Start");
        var control = new ControlClient(Path.Combine(stack.LocalDir, "supervisor.sock"));
        async Task<int?> OpenAsync(string instance) =>
            (await control.SendAsync(new ControlRequest(ControlCommands.Metrics), TimeSpan.FromSeconds(5), CancellationToken.None))!.Metrics!.Instances.GetValueOrDefault(instance)?.OpenWebSockets;
        // Keepalive REST connections to the same instance are not WebSockets.
        for (var i = 0; i < 20; i++) (await Http.GetAsync($"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/broker/health")).EnsureSuccessStatusCode();

        var sockets = new List<ClientWebSocket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var socket = new ClientWebSocket();
                sockets.Add(socket);
                await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{stack.Ports.Gateway}/api/v1/broker/ws"), CancellationToken.None);
            }
            var open = await OpenAsync("broker-0");
            Assert.True(open == 3, $"{open} open; the gateway's WebSocket connections in /proc/net/tcp:\n{string.Join('\n', File.ReadLines("/proc/net/tcp").Where(l => l.Contains("0200007F")))}");
            Assert.Equal(0, await OpenAsync("datafeed-0") ?? 0);
            var json = await stack.RunAsync("Status", "--json");
            using var report = JsonDocument.Parse(json.StandardOutput);
            var broker = report.RootElement.GetProperty("processes").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "broker-0");
            Assert.True(broker.TryGetProperty("traffic", out var traffic) && traffic.TryGetProperty("open_websockets", out var ws) && ws.GetInt32() == 3, broker.ToString());
        }
        finally
        {
            foreach (var socket in sockets)
            {
                if (socket.State == WebSocketState.Open) await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
                socket.Dispose();
            }
        }
        var clock = Stopwatch.StartNew();
        while (await OpenAsync("broker-0") != 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"still {await OpenAsync("broker-0")} open 2 s after every client closed");
            await Task.Delay(50);
        }
    }
}
