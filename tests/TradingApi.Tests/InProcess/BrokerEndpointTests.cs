using System.Net;
using System.Text.Json;
using TradingApi.Tests.Infrastructure;

namespace TradingApi.Tests.InProcess;

/// <summary>Each test gets its own instance: the broker state is per process.</summary>
public sealed class BrokerEndpointTests : IDisposable
{
    private readonly ApiFactory _factory = new("core,broker", "broker-0");
    private readonly HttpClient _client;

    public BrokerEndpointTests() => _client = _factory.Client();

    public void Dispose() => _factory.Dispose();

    private async Task<JsonElement> PlaceAsync(object order)
    {
        var response = await _client.PostObjectAsync("/api/v1/broker/orders", order);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    [Fact]
    public async Task A_fresh_instance_has_no_orders_positions_or_executions()
    {
        foreach (var path in new[] { "orders", "positions", "executions" })
        {
            var body = await (await _client.GetAsync($"/api/v1/broker/{path}")).ReadJsonAsync();
            Assert.Equal(0, body.GetArrayLength());
        }
    }

    [Fact]
    public async Task A_market_order_fills_at_once_and_opens_a_position()
    {
        var response = await _client.PostObjectAsync("/api/v1/broker/orders", new { symbol = "aapl", side = "buy", quantity = 10 });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = await response.ReadJsonAsync();
        Assert.Equal($"/api/v1/broker/orders/{order.GetProperty("id").GetString()}", response.Headers.Location?.OriginalString);
        Assert.Equal("AAPL", order.GetProperty("symbol").GetString());
        Assert.Equal("filled", order.GetProperty("status").GetString());
        Assert.Equal("market", order.GetProperty("type").GetString());
        Assert.Equal(10m, order.GetProperty("filled_quantity").GetDecimal());
        var price = order.GetProperty("average_price").GetDecimal();
        Assert.True(price > 0);

        var position = Assert.Single((await (await _client.GetAsync("/api/v1/broker/positions")).ReadJsonAsync()).EnumerateArray());
        Assert.Equal(10m, position.GetProperty("quantity").GetDecimal());
        Assert.Equal(price, position.GetProperty("average_price").GetDecimal());
        var execution = Assert.Single((await (await _client.GetAsync("/api/v1/broker/executions")).ReadJsonAsync()).EnumerateArray());
        Assert.Equal(order.GetProperty("id").GetString(), execution.GetProperty("order_id").GetString());
    }

    [Fact]
    public async Task Get_order_returns_it_and_an_unknown_id_is_404()
    {
        var order = await PlaceAsync(new { symbol = "MSFT", side = "sell", quantity = 1 });
        var id = order.GetProperty("id").GetString();

        var found = await (await _client.GetAsync($"/api/v1/broker/orders/{id}")).ReadJsonAsync();
        var missing = await _client.GetAsync("/api/v1/broker/orders/ord-999");

        Assert.Equal(id, found.GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("ord-999", await missing.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_limit_order_far_from_the_market_stays_working_and_can_be_modified_then_cancelled()
    {
        var order = await PlaceAsync(new { symbol = "AAPL", side = "buy", type = "limit", quantity = 5, limit_price = 1 });
        var id = order.GetProperty("id").GetString();
        Assert.Equal("working", order.GetProperty("status").GetString());

        var modified = await _client.PutRawAsync($"/api/v1/broker/orders/{id}", """{"quantity": 7, "limit_price": 2}""");
        Assert.Equal(HttpStatusCode.OK, modified.StatusCode);
        var body = await modified.ReadJsonAsync();
        Assert.Equal(7m, body.GetProperty("quantity").GetDecimal());
        Assert.Equal(2m, body.GetProperty("limit_price").GetDecimal());

        var account = await (await _client.GetAsync("/api/v1/broker/account")).ReadJsonAsync();
        Assert.Equal(1, account.GetProperty("working_orders").GetInt32());

        var cancelled = await _client.DeleteAsync($"/api/v1/broker/orders/{id}");
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("cancelled", (await cancelled.ReadJsonAsync()).GetProperty("status").GetString());

        var again = await _client.DeleteAsync($"/api/v1/broker/orders/{id}");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var modifyCancelled = await _client.PutRawAsync($"/api/v1/broker/orders/{id}", """{"quantity": 1}""");
        Assert.Equal(HttpStatusCode.Conflict, modifyCancelled.StatusCode);
    }

    [Fact]
    public async Task A_marketable_limit_order_fills_at_the_market_price()
    {
        var order = await PlaceAsync(new { symbol = "AAPL", side = "buy", type = "limit", quantity = 1, limit_price = 1_000_000 });

        Assert.Equal("filled", order.GetProperty("status").GetString());
        Assert.True(order.GetProperty("average_price").GetDecimal() < 1_000_000m);
    }

    [Fact]
    public async Task Cancel_and_modify_of_an_unknown_order_are_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _client.DeleteAsync("/api/v1/broker/orders/nope")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PutRawAsync("/api/v1/broker/orders/nope", """{"quantity":1}""")).StatusCode);
    }

    [Fact]
    public async Task Closing_a_position_sends_an_opposite_market_order_and_removes_it()
    {
        await PlaceAsync(new { symbol = "TSLA", side = "sell", quantity = 3 });

        var response = await _client.PostAsync("/api/v1/broker/positions/tsla/close", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var order = await response.ReadJsonAsync();
        Assert.Equal("buy", order.GetProperty("side").GetString());
        Assert.Equal(3m, order.GetProperty("quantity").GetDecimal());
        Assert.Equal(0, (await (await _client.GetAsync("/api/v1/broker/positions")).ReadJsonAsync()).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsync("/api/v1/broker/positions/TSLA/close", null)).StatusCode);
    }

    [Fact]
    public async Task Account_starts_at_the_starting_balance_and_counts_positions()
    {
        var before = await (await _client.GetAsync("/api/v1/broker/account")).ReadJsonAsync();
        await PlaceAsync(new { symbol = "NVDA", side = "buy", quantity = 2 });
        var after = await (await _client.GetAsync("/api/v1/broker/account")).ReadJsonAsync();

        Assert.Equal(100_000m, before.GetProperty("balance").GetDecimal());
        Assert.Equal("USD", before.GetProperty("currency").GetString());
        Assert.Equal(0, before.GetProperty("open_positions").GetInt32());
        Assert.Equal(1, after.GetProperty("open_positions").GetInt32());
        Assert.Equal(after.GetProperty("balance").GetDecimal() + after.GetProperty("unrealized_pnl").GetDecimal(),
            after.GetProperty("equity").GetDecimal());
    }
}
