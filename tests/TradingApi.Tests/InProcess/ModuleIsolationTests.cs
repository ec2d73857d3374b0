using System.Net;
using TradingApi.Tests.Infrastructure;

namespace TradingApi.Tests.InProcess;

public sealed class ModuleIsolationTests
{
    [Theory]
    [InlineData("/api/v1/datafeed/health")]
    [InlineData("/api/v1/datafeed/config")]
    [InlineData("/api/v1/datafeed/quotes?symbols=AAPL")]
    [InlineData("/api/v1/datafeed/ws")]
    public async Task Datafeed_routes_are_404_on_a_broker_only_instance(string path)
    {
        using var factory = new ApiFactory("core,broker");
        using var client = factory.Client();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/broker/orders")).StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/broker/health")]
    [InlineData("/api/v1/broker/orders")]
    [InlineData("/api/v1/broker/account")]
    [InlineData("/api/v1/broker/ws")]
    public async Task Broker_routes_are_404_on_a_datafeed_only_instance(string path)
    {
        using var factory = new ApiFactory("core,datafeed");
        using var client = factory.Client();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/datafeed/config")).StatusCode);
    }

    [Fact]
    public async Task Core_is_on_even_when_the_module_list_is_empty()
    {
        using var factory = new ApiFactory("");
        using var client = factory.Client();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/core/health")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/broker/health")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/datafeed/health")).StatusCode);
    }

    [Fact]
    public async Task Both_modules_can_share_one_instance_and_names_are_case_insensitive()
    {
        using var factory = new ApiFactory(" Broker , DATAFEED ");
        using var client = factory.Client();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/broker/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/datafeed/health")).StatusCode);
    }

    [Fact]
    public async Task A_plain_get_on_a_websocket_route_is_400_with_a_hint()
    {
        using var factory = new ApiFactory("broker");
        using var client = factory.Client();

        var response = await client.GetAsync("/api/v1/broker/ws");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("WebSocket", await response.Content.ReadAsStringAsync());
    }
}
