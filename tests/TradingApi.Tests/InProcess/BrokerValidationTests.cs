using System.Net;
using TradingApi.Tests.Infrastructure;

namespace TradingApi.Tests.InProcess;

public sealed class BrokerValidationTests(BrokerApi api) : IClassFixture<BrokerApi>
{
    private readonly HttpClient _client = api.Factory.Client();

    [Theory]
    [InlineData("""{"side":"buy","quantity":1}""", "symbol", "required")]
    [InlineData("""{"symbol":"NOPE","side":"buy","quantity":1}""", "symbol", "NOPE")]
    [InlineData("""{"symbol":"AAPL","quantity":1}""", "side", "required")]
    [InlineData("""{"symbol":"AAPL","side":"up","quantity":1}""", "side", "'up'")]
    [InlineData("""{"symbol":"AAPL","side":"0","quantity":1}""", "side", "'0'")]
    [InlineData("""{"symbol":"AAPL","side":"buy","type":"iceberg","quantity":1}""", "type", "iceberg")]
    [InlineData("""{"symbol":"AAPL","side":"buy"}""", "quantity", "required")]
    [InlineData("""{"symbol":"AAPL","side":"buy","quantity":0}""", "quantity", "got 0")]
    [InlineData("""{"symbol":"AAPL","side":"buy","quantity":-5}""", "quantity", "got -5")]
    [InlineData("""{"symbol":"AAPL","side":"buy","quantity":2000000}""", "quantity", "at most")]
    [InlineData("""{"symbol":"AAPL","side":"buy","quantity":"ten"}""", "quantity", "wrong type")]
    [InlineData("""{"symbol":"AAPL","side":"buy","type":"limit","quantity":1}""", "limit_price", "required for a limit order")]
    [InlineData("""{"symbol":"AAPL","side":"buy","type":"limit","quantity":1,"limit_price":-1}""", "limit_price", "greater than 0")]
    [InlineData("""{"symbol":"AAPL","side":"buy","quantity":1,"limit_price":10}""", "limit_price", "not allowed on a market order")]
    [InlineData("""{"symbol":"AAPL","side":"buy","type":"stop","quantity":1}""", "stop_price", "required for a stop order")]
    [InlineData("""{"symbol":"AAPL","side":"buy",""", "body", "not a valid JSON")]
    [InlineData("""[1,2]""", "body", "not a valid JSON")]
    [InlineData("null", "body", "JSON object is required")]
    public async Task Place_order_rejects_bad_input_naming_the_field(string json, string field, string expected)
    {
        var response = await _client.PostRawAsync("/api/v1/broker/orders", json);

        var message = await response.AssertFieldErrorAsync(field);
        Assert.Contains(expected, message);
    }

    [Fact]
    public async Task Place_order_reports_every_bad_field_at_once()
    {
        var response = await _client.PostRawAsync("/api/v1/broker/orders", """{"symbol":"NOPE","side":"up","quantity":0}""");

        await response.AssertFieldErrorAsync("symbol");
        await response.AssertFieldErrorAsync("side");
        await response.AssertFieldErrorAsync("quantity");
    }

    [Theory]
    [InlineData("""{}""", "body", "nothing to change")]
    [InlineData("""{"quantity":0}""", "quantity", "got 0")]
    [InlineData("""{"limit_price":-2}""", "limit_price", "greater than 0")]
    [InlineData("""{"stop_price":5}""", "stop_price", "not allowed on a limit order")]
    [InlineData("""{"quantity":true}""", "quantity", "wrong type")]
    public async Task Modify_order_rejects_bad_input_naming_the_field(string json, string field, string expected)
    {
        var placed = await _client.PostRawAsync("/api/v1/broker/orders",
            """{"symbol":"AAPL","side":"buy","type":"limit","quantity":1,"limit_price":1}""");
        var id = (await placed.ReadJsonAsync()).GetProperty("id").GetString();

        var response = await _client.PutRawAsync($"/api/v1/broker/orders/{id}", json);

        Assert.Contains(expected, await response.AssertFieldErrorAsync(field));
        Assert.Equal(HttpStatusCode.OK, (await _client.DeleteAsync($"/api/v1/broker/orders/{id}")).StatusCode);
    }
}
