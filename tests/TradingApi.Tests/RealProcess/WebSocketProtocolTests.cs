using System.Net.WebSockets;
using System.Text.Json;
using TradingApi.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TradingApi.Tests.RealProcess;

/// <summary>The WebSocket protocol against a real listening instance with both streaming modules; once per build (JIT, Native AOT).</summary>
public abstract class WebSocketProtocolTests(ApiBuild build, ITestOutputHelper log) : RunningApiTest(build, log, new Dictionary<string, string>
{
    ["ENABLED_MODULES"] = "broker,datafeed",
    ["INSTANCE_NAME"] = "ws-0",
    ["DATAFEED_INTERVAL_MS"] = "100",
})
{
    private Task<WsTestClient> ConnectAsync(string module) =>
        WsTestClient.ConnectAsync(Api.Ws($"/api/v1/{module}/ws"), Token);

    [Fact]
    public async Task Quotes_subscribe_is_answered_then_updated_then_unsubscribed()
    {
        await using var ws = await ConnectAsync("datafeed");

        await ws.SendAsync("quotes.subscribe", new { symbols = new[] { "MSFT", "aapl" } }, Token);
        var response = await ws.ReceiveAsync(Token);
        var update = await ws.ReceiveTypeAsync("quotes.update", Token);
        await ws.SendAsync("quotes.unsubscribe", new { symbols = "AAPL,MSFT" }, Token);
        var skipped = new List<JsonElement>();
        var unsubscribed = await ws.ReceiveTypeAsync("quotes.unsubscribe.response", Token, skipped);
        await Task.Delay(400, Token); // four ticks: nothing more may arrive for that subscription
        await ws.SendAsync("ping", null, Token);
        var afterUnsubscribe = new List<JsonElement>();
        await ws.ReceiveTypeAsync("pong", Token, afterUnsubscribe);

        Assert.Equal("quotes.subscribe.response", response!.Value.GetProperty("type").GetString());
        Assert.True(response.Value.GetProperty("payload").GetProperty("success").GetBoolean());
        Assert.Equal("quotes:AAPL,MSFT", response.Value.GetProperty("payload").GetProperty("subscription_id").GetString());
        var payload = update.GetProperty("payload");
        Assert.Equal("quotes:AAPL,MSFT", payload.GetProperty("subscription_id").GetString());
        Assert.Equal(["AAPL", "MSFT"], payload.GetProperty("data").EnumerateArray().Select(q => q.GetProperty("symbol").GetString()!).ToArray());
        Assert.True(unsubscribed.GetProperty("payload").GetProperty("success").GetBoolean());
        Assert.All(skipped, m => Assert.Equal("quotes.update", m.GetProperty("type").GetString()));
        Assert.Empty(afterUnsubscribe);
    }

    [Fact]
    public async Task Bars_subscription_streams_the_current_bar()
    {
        await using var ws = await ConnectAsync("datafeed");

        await ws.SendAsync("bars.subscribe", new { symbol = "BTCUSD", resolution = "5" }, Token);
        var response = await ws.ReceiveTypeAsync("bars.subscribe.response", Token);
        var update = (await ws.ReceiveTypeAsync("bars.update", Token)).GetProperty("payload");

        Assert.Equal("bars:BTCUSD:5", response.GetProperty("payload").GetProperty("subscription_id").GetString());
        var bar = update.GetProperty("data");
        Assert.Equal(0, bar.GetProperty("time").GetInt64() % 300);
        Assert.True(bar.GetProperty("high").GetDouble() >= bar.GetProperty("low").GetDouble());
    }

    [Fact]
    public async Task An_invalid_subscription_is_refused_and_the_connection_stays_open()
    {
        await using var ws = await ConnectAsync("datafeed");

        await ws.SendAsync("bars.subscribe", new { symbol = "NOPE" }, Token);
        var refused = (await ws.ReceiveTypeAsync("bars.subscribe.response", Token)).GetProperty("payload");
        await ws.SendAsync("bars.unsubscribe", new { symbol = "AAPL" }, Token);
        var notSubscribed = (await ws.ReceiveTypeAsync("bars.unsubscribe.response", Token)).GetProperty("payload");
        await ws.SendAsync("ping", null, Token);
        await ws.ReceiveTypeAsync("pong", Token);

        Assert.False(refused.GetProperty("success").GetBoolean());
        Assert.Contains("payload.symbol", refused.GetProperty("message").GetString());
        Assert.False(notSubscribed.GetProperty("success").GetBoolean());
        Assert.Equal(WebSocketState.Open, ws.State);
    }

    [Fact]
    public async Task An_unknown_type_gets_an_error_listing_valid_types_and_the_connection_stays_open()
    {
        await using var ws = await ConnectAsync("broker");

        await ws.SendAsync("bars.subscribe", new { symbol = "AAPL" }, Token); // a datafeed route on the broker socket
        var error = (await ws.ReceiveTypeAsync("error", Token)).GetProperty("payload");
        await ws.SendAsync("ping", null, Token);
        await ws.ReceiveTypeAsync("pong", Token);

        Assert.Equal("unknown_type", error.GetProperty("code").GetString());
        Assert.Contains("orders.subscribe", error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("""{"payload":{}}""")]
    [InlineData("""{"type":42}""")]
    [InlineData("""["ping"]""")]
    public async Task A_malformed_message_gets_an_error_then_close_1007(string text)
    {
        await using var ws = await ConnectAsync("datafeed");

        await ws.SendAsync(text, Token);
        var seen = await ws.ReceiveUntilClosedAsync(Token);

        var error = Assert.Single(seen);
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("malformed_message", error.GetProperty("payload").GetProperty("code").GetString());
        Assert.Equal((WebSocketCloseStatus)1007, ws.CloseStatus);
    }

    [Fact]
    public async Task A_binary_frame_gets_close_1003()
    {
        await using var ws = await ConnectAsync("broker");

        await ws.SendBinaryAsync([1, 2, 3], Token);
        await ws.ReceiveUntilClosedAsync(Token);

        Assert.Equal((WebSocketCloseStatus)1003, ws.CloseStatus);
    }

    [Fact]
    public async Task Broker_pushes_order_execution_and_position_changes_to_subscribers()
    {
        await using var ws = await ConnectAsync("broker");
        foreach (var route in new[] { "orders", "executions", "positions" })
        {
            await ws.SendAsync($"{route}.subscribe", new { }, Token);
            await ws.ReceiveTypeAsync($"{route}.subscribe.response", Token);
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var placed = await http.PostAsync(Api.Http("/api/v1/broker/orders"), new StringContent(
            """{"symbol":"ETHUSD","side":"buy","quantity":2}""", System.Text.Encoding.UTF8, "application/json"), Token);
        placed.EnsureSuccessStatusCode();
        var messages = new List<JsonElement>();
        while (messages.Count < 4)
        {
            messages.Add((await ws.ReceiveAsync(Token))!.Value);
        }

        Assert.Equal(["orders.update", "executions.update", "positions.update", "orders.update"],
            messages.Select(m => m.GetProperty("type").GetString()!).ToArray());
        Assert.Equal("working", messages[0].GetProperty("payload").GetProperty("data").GetProperty("status").GetString());
        Assert.Equal("filled", messages[3].GetProperty("payload").GetProperty("data").GetProperty("status").GetString());
        var position = messages[2].GetProperty("payload").GetProperty("data");
        Assert.Equal(2m, position.GetProperty("position").GetProperty("quantity").GetDecimal());
        Assert.False(position.GetProperty("closed").GetBoolean());
    }

    [Fact]
    public async Task A_message_over_64_KiB_gets_an_error_then_close_1009()
    {
        await using var ws = await ConnectAsync("datafeed");

        await ws.SendAsync("ping", new { padding = new string('x', 70 * 1024) }, Token);
        var seen = await ws.ReceiveUntilClosedAsync(Token);

        Assert.Equal("message_too_big", Assert.Single(seen).GetProperty("payload").GetProperty("code").GetString());
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, ws.CloseStatus);
    }

    [Fact]
    public async Task Subscribing_twice_does_not_double_the_updates()
    {
        await using var ws = await ConnectAsync("datafeed");

        await ws.SendAsync("quotes.subscribe", new { symbols = "AAPL" }, Token);
        await ws.ReceiveTypeAsync("quotes.subscribe.response", Token);
        await ws.SendAsync("quotes.subscribe", new { symbols = new[] { "aapl" } }, Token);
        var second = (await ws.ReceiveTypeAsync("quotes.subscribe.response", Token)).GetProperty("payload");
        await Task.Delay(550, Token);
        await ws.SendAsync("ping", null, Token);
        var updates = new List<JsonElement>();
        await ws.ReceiveTypeAsync("pong", Token, updates);

        Assert.True(second.GetProperty("success").GetBoolean());
        Assert.Contains("already subscribed", second.GetProperty("message").GetString());
        // One update per tick; two subscriptions would give two per tick, with the tick's time in both.
        // Told apart by that time rather than by a count against the clock, which a loaded machine
        // (CI: 9 updates in a window of 5.5 ticks + 3, updates queued before the window opened) skews.
        var times = updates.Where(u => u.GetProperty("type").GetString() == "quotes.update")
            .Select(u => u.GetProperty("payload").GetProperty("data")[0].GetProperty("timestamp").GetString()).ToList();
        Assert.NotEmpty(times);
        Assert.Equal(times.Count, times.Distinct().Count());
    }
}

public sealed class WebSocketProtocolJitTests(ITestOutputHelper log) : WebSocketProtocolTests(ApiBuild.Jit, log);

public sealed class WebSocketProtocolAotTests(ITestOutputHelper log) : WebSocketProtocolTests(ApiBuild.Aot, log);
