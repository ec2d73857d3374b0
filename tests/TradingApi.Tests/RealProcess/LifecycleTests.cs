using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Net.WebSockets;
using System.Text.RegularExpressions;
using Orchestration.Processes;
using TradingApi.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TradingApi.Tests.RealProcess;

/// <summary>Start, idle timeout and shutdown of a real process, as the manager drives it; once per build (JIT, Native AOT).</summary>
public abstract class LifecycleTests(ApiBuild build, ITestOutputHelper log)
{
    private static readonly Regex LogLine = new(
        @"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] \[(INFO|WARN|ERROR|DEBUG)\] [\w.]+: .+$", RegexOptions.Compiled);

    [Fact]
    public async Task An_unknown_module_fails_the_start_with_exit_code_2_naming_it_and_the_valid_ones()
    {
        var command = await build.CommandAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var api = ApiProcess.Launch(command, new Dictionary<string, string> { ["ENABLED_MODULES"] = "broker,tradez" }, log);

        await api.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, api.ExitCode);
        Assert.Contains("[stderr] ", api.Output);
        Assert.Contains("unknown module 'tradez'", api.Output);
        Assert.Contains("core, broker, datafeed", api.Output);
    }

    [Fact]
    public async Task Stdout_has_one_line_per_event_in_the_guide_format_with_a_startup_and_at_debug_request_lines()
    {
        var command = await build.CommandAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var api = await ApiProcess.StartAsync(command, new Dictionary<string, string>
        {
            ["ENABLED_MODULES"] = "core,broker",
            ["INSTANCE_NAME"] = "broker-7",
            ["LOG_LEVEL"] = "debug",
        }, log, timeout.Token);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        var response = await http.GetAsync(api.Http("/api/v1/broker/health"), timeout.Token);
        api.Terminate();
        await api.WaitForExitAsync(timeout.Token);

        Assert.Equal("broker-7", Assert.Single(response.Headers.GetValues("X-Instance")));
        var lines = api.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.All(lines, line => Assert.Matches(LogLine, line));
        Assert.Contains(lines, l => l.Contains($"[INFO] TradingApi: Server started on port {api.Port} (instance broker-7, modules core,broker"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"\[DEBUG\] TradingApi\.Http: GET /api/v1/broker/health 200 \d+\.\d ms$"));
        Assert.Equal(0, api.ExitCode);
    }

    [Fact]
    public async Task An_idle_connection_is_closed_with_4000_after_the_timeout_while_pings_keep_one_open()
    {
        var command = await build.CommandAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var api = await ApiProcess.StartAsync(command, new Dictionary<string, string>
        {
            ["ENABLED_MODULES"] = "datafeed",
            ["WS_IDLE_TIMEOUT_SECONDS"] = "3",
        }, log, timeout.Token);
        var watch = Stopwatch.StartNew(); // before the idle one connects: its 3 s cannot end sooner
        await using var idle = await WsTestClient.ConnectAsync(api.Ws("/api/v1/datafeed/ws"), timeout.Token);
        await using var busy = await WsTestClient.ConnectAsync(api.Ws("/api/v1/datafeed/ws"), timeout.Token);

        var closing = idle.ReceiveUntilClosedAsync(timeout.Token);
        // Pings every 300 ms keep the busy one open however slow the machine is: only a 3 s stall could close it.
        while (!closing.IsCompleted)
        {
            await busy.SendAsync("ping", null, timeout.Token);
            await busy.ReceiveTypeAsync("pong", timeout.Token);
            await Task.Delay(300, timeout.Token);
        }

        var seen = await closing;
        Assert.Equal((WebSocketCloseStatus)4000, idle.CloseStatus);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(10));
        Assert.Equal("idle_timeout", Assert.Single(seen).GetProperty("payload").GetProperty("code").GetString());
        Assert.Equal(WebSocketState.Open, busy.State);
    }

    [Fact]
    public async Task Sigterm_closes_open_websockets_with_1001_and_exits_0_within_a_second()
    {
        var command = await build.CommandAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var api = await ApiProcess.StartAsync(command, new Dictionary<string, string>
        {
            ["ENABLED_MODULES"] = "broker,datafeed",
            ["DATAFEED_INTERVAL_MS"] = "50",
        }, log, timeout.Token);
        await using var datafeed = await WsTestClient.ConnectAsync(api.Ws("/api/v1/datafeed/ws"), timeout.Token);
        await using var broker = await WsTestClient.ConnectAsync(api.Ws("/api/v1/broker/ws"), timeout.Token);
        await datafeed.SendAsync("quotes.subscribe", new { symbols = new[] { "AAPL" } }, timeout.Token);
        await datafeed.ReceiveTypeAsync("quotes.update", timeout.Token);
        await broker.SendAsync("orders.subscribe", null, timeout.Token);
        await broker.ReceiveTypeAsync("orders.subscribe.response", timeout.Token);
        var datafeedClosed = datafeed.ReceiveUntilClosedAsync(timeout.Token);
        var brokerClosed = broker.ReceiveUntilClosedAsync(timeout.Token);

        var watch = Stopwatch.StartNew();
        api.Terminate();
        await api.WaitForExitAsync(timeout.Token);
        var exitTime = watch.Elapsed;
        await Task.WhenAll(datafeedClosed, brokerClosed);

        log.WriteLine($"exit after SIGTERM: {exitTime.TotalMilliseconds:0} ms");
        Assert.Equal(0, api.ExitCode);
        Assert.True(exitTime < TimeSpan.FromSeconds(1), $"exited {exitTime.TotalMilliseconds:0} ms after SIGTERM");
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, datafeed.CloseStatus);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, broker.CloseStatus);
    }

    [Fact]
    public async Task A_websocket_closed_by_sigterm_hears_it_only_after_the_program_stopped_accepting()
    {
        // A client reconnecting at once must reach the replacement, not this stopping program: with the
        // listening socket handed over, both accept from one queue until this one unbinds.
        var command = await build.CommandAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var api = await ApiProcess.StartAsync(command, new Dictionary<string, string> { ["ENABLED_MODULES"] = "broker" }, log, timeout.Token);
        await using var broker = await WsTestClient.ConnectAsync(api.Ws("/api/v1/broker/ws"), timeout.Token);
        await broker.SendAsync("orders.subscribe", null, timeout.Token);
        await broker.ReceiveTypeAsync("orders.subscribe.response", timeout.Token);

        api.Terminate();
        await broker.ReceiveUntilClosedAsync(timeout.Token);

        using var probe = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(
            async () => await probe.ConnectAsync(IPAddress.Loopback, api.Port, timeout.Token));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, broker.CloseStatus);
    }

    [Fact]
    public async Task A_request_on_another_port_than_its_own_is_answered_and_its_connection_closed_while_a_websocket_there_stays_open()
    {
        // nginx sends a request to an instance's spare port only while the instance is being replaced; a
        // keepalive connection kept there would belong to the program the next replacement stops.
        var command = await build.CommandAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var spare = PortProbe.PickFree();
        await using var api = await ApiProcess.StartAsync(command, new Dictionary<string, string> { ["ENABLED_MODULES"] = "broker" }, log, timeout.Token, spare);
        using var http = new HttpClient();
        using (var own = await http.GetAsync(api.Http("/api/v1/core/health"), timeout.Token))
        {
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
            Assert.NotEqual(true, own.Headers.ConnectionClose);
        }

        // On the spare: answered, then the program itself ends the connection.
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, spare, timeout.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET /api/v1/core/health HTTP/1.1\r\nHost: x\r\n\r\n"), timeout.Token);
        var received = new StringBuilder();
        var buffer = new byte[4096];
        using (var closed = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token))
        {
            closed.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                int read;
                while ((read = await socket.ReceiveAsync(buffer, closed.Token)) > 0) received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"the connection to the spare port stayed open 5 s after its answer:\n{received}");
            }
        }
        var answer = received.ToString();
        Assert.StartsWith("HTTP/1.1 200 OK", answer);
        Assert.Contains("Connection: close", answer);
        Assert.Contains("\"status\":\"ok\"", answer);

        await using var ws = await WsTestClient.ConnectAsync(new Uri($"ws://127.0.0.1:{spare}/api/v1/broker/ws"), timeout.Token);
        await ws.SendAsync("orders.subscribe", null, timeout.Token);
        await ws.ReceiveTypeAsync("orders.subscribe.response", timeout.Token);
    }
}

public sealed class LifecycleJitTests(ITestOutputHelper log) : LifecycleTests(ApiBuild.Jit, log);

public sealed class LifecycleAotTests(ITestOutputHelper log) : LifecycleTests(ApiBuild.Aot, log);
