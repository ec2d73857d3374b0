using System.Globalization;
using System.Net;
using TradingApi.Tests.Infrastructure;

namespace TradingApi.Tests.InProcess;

public sealed class CoreEndpointTests(BrokerApi api) : IClassFixture<BrokerApi>
{
    private readonly HttpClient _client = api.Factory.Client();

    [Theory]
    [InlineData("core")]
    [InlineData("broker")]
    public async Task Health_of_each_enabled_module_has_the_guide_shape(string module)
    {
        var response = await _client.GetAsync($"/api/v1/{module}/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(["status", "module_name", "api_version", "instance", "timestamp"],
            body.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.Equal(module, body.GetProperty("module_name").GetString());
        Assert.Equal("v1", body.GetProperty("api_version").GetString());
        Assert.Equal("broker-0", body.GetProperty("instance").GetString());
        var timestamp = body.GetProperty("timestamp").GetString()!;
        Assert.EndsWith("Z", timestamp);
        var parsed = DateTime.Parse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        Assert.InRange(DateTime.UtcNow - parsed, TimeSpan.FromSeconds(-5), TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData("/api/v1/core/health")]
    [InlineData("/api/v1/broker/orders")]
    [InlineData("/api/v1/no/such/route")]
    public async Task Every_response_names_the_instance(string path)
    {
        var response = await _client.GetAsync(path);

        Assert.Equal("broker-0", Assert.Single(response.Headers.GetValues("X-Instance")));
    }

    [Fact]
    public async Task Version_reports_api_version_instance_and_modules()
    {
        var body = await (await _client.GetAsync("/api/v1/core/version")).ReadJsonAsync();

        Assert.Equal("v1", body.GetProperty("api_version").GetString());
        Assert.Equal("broker-0", body.GetProperty("instance").GetString());
        Assert.Equal(["core", "broker"], body.GetProperty("modules").EnumerateArray().Select(m => m.GetString()!).ToArray());
        Assert.StartsWith(".NET", body.GetProperty("runtime").GetString());
    }

    [Fact]
    public async Task Versions_lists_the_served_version_and_enabled_modules()
    {
        var body = await (await _client.GetAsync("/api/v1/core/versions")).ReadJsonAsync();

        Assert.Equal("v1", body.GetProperty("current").GetString());
        var version = Assert.Single(body.GetProperty("versions").EnumerateArray().ToArray());
        Assert.Equal("/api/v1", version.GetProperty("base_url").GetString());
        Assert.Equal(["core", "broker"], body.GetProperty("modules").EnumerateArray().Select(m => m.GetProperty("name").GetString()!).ToArray());
    }

    [Fact]
    public async Task Openapi_document_lists_the_enabled_modules_routes_only()
    {
        var response = await _client.GetAsync("/api/v1/core/openapi.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await response.ReadJsonAsync()).GetProperty("paths").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Contains("/api/v1/core/health", paths);
        Assert.Contains("/api/v1/broker/orders", paths);
        Assert.Contains("/api/v1/broker/orders/{id}", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/api/v1/datafeed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Docs_page_is_html_that_loads_the_openapi_document_without_a_cdn()
    {
        var response = await _client.GetAsync("/api/v1/core/docs");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("fetch('openapi.json')", html);
        Assert.DoesNotContain("https://", html);
    }
}

public sealed class BaseUrlTests
{
    [Fact]
    public async Task Api_base_url_moves_every_route_and_sets_the_api_version()
    {
        using var factory = new ApiFactory("broker", "x-1", "/gateway/v2/");
        using var client = factory.Client();

        var moved = await client.GetAsync("/gateway/v2/broker/health");
        var old = await client.GetAsync("/api/v1/broker/health");

        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal("v2", (await moved.ReadJsonAsync()).GetProperty("api_version").GetString());
        Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
    }
}
