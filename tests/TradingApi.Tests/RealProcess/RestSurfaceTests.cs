using System.Net;
using System.Text.Json;
using TradingApi.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TradingApi.Tests.RealProcess;

/// <summary>
/// Every REST route of a real process, once per build: the in-process tests cover the behaviour in
/// depth on the JIT build; these make sure the Native AOT binary (source-generated JSON, trimmed code,
/// the OpenAPI document) answers every route with the same shapes.
/// </summary>
public abstract class RestSurfaceTests(ApiBuild build, ITestOutputHelper log) : RunningApiTest(build, log, new Dictionary<string, string>
{
    ["ENABLED_MODULES"] = "broker,datafeed",
    ["INSTANCE_NAME"] = "rest-0",
})
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _http.Dispose();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, Api.Http("/api/v1/" + path));
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request, Token);
        Assert.Equal("rest-0", Assert.Single(response.Headers.GetValues("X-Instance")));
        return (response.StatusCode, await response.ReadJsonAsync());
    }

    private async Task<JsonElement> OkAsync(string path)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, path);
        Assert.True(status == HttpStatusCode.OK, $"GET {path}: {(int)status} {body}");
        return body;
    }

    [Fact]
    public async Task Core_and_datafeed_routes_answer_with_their_documented_shapes()
    {
        Assert.Equal("datafeed", (await OkAsync("datafeed/health")).GetProperty("module_name").GetString());
        Assert.Equal(["core", "broker", "datafeed"], (await OkAsync("core/version")).GetProperty("modules").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("stable", (await OkAsync("core/versions")).GetProperty("versions")[0].GetProperty("status").GetString());
        Assert.Equal(5000, (await OkAsync("datafeed/config")).GetProperty("max_bars").GetInt32());
        Assert.Equal("AAPL", (await OkAsync("datafeed/search?query=apple&limit=1"))[0].GetProperty("symbol").GetString());
        var symbol = await OkAsync("datafeed/symbols/NASDAQ:MSFT");
        Assert.Equal("MSFT", symbol.GetProperty("symbol").GetString());
        Assert.False(symbol.TryGetProperty("base_price", out _));
        var bars = await OkAsync("datafeed/bars?symbol=AAPL&resolution=60&from=1700000000&to=1700086400");
        Assert.Equal(24, bars.GetProperty("bars").GetArrayLength());
        Assert.Equal(["symbol", "last", "bid", "ask", "open", "change", "change_percent", "volume", "timestamp"],
            (await OkAsync("datafeed/quotes?symbols=BTCUSD")).GetProperty("quotes")[0].EnumerateObject().Select(p => p.Name));

        var (status, problem) = await SendAsync(HttpMethod.Get, "datafeed/bars?symbol=NOPE&resolution=7");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["symbol", "resolution", "from", "to"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        (status, problem) = await SendAsync(HttpMethod.Get, "datafeed/symbols/NOPE");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Symbol not found", problem.GetProperty("title").GetString());

        var openApi = await OkAsync("core/openapi.json");
        var paths = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/broker/orders/{id}", paths);
        Assert.Contains("/api/v1/datafeed/bars", paths);
        Assert.True(openApi.GetProperty("components").GetProperty("schemas").TryGetProperty("Order", out _), "the Order schema is missing");
        using var docs = await _http.GetAsync(Api.Http("/api/v1/core/docs"), Token);
        Assert.Equal("text/html", docs.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_order_goes_through_place_modify_cancel_and_a_fill_moves_positions_executions_and_account()
    {
        var (status, working) = await SendAsync(HttpMethod.Post, "broker/orders", """{"symbol":"AAPL","side":"buy","type":"limit","quantity":5,"limit_price":1}""");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(("working", "limit", "buy"), (working.GetProperty("status").GetString(), working.GetProperty("type").GetString(), working.GetProperty("side").GetString()));
        Assert.False(working.TryGetProperty("stop_price", out _)); // nulls are omitted
        var id = working.GetProperty("id").GetString();
        (status, var modified) = await SendAsync(HttpMethod.Put, $"broker/orders/{id}", """{"quantity":7}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(7, modified.GetProperty("quantity").GetDecimal());
        (status, var cancelled) = await SendAsync(HttpMethod.Delete, $"broker/orders/{id}");
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        (status, var conflict) = await SendAsync(HttpMethod.Delete, $"broker/orders/{id}");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("Order is not working", conflict.GetProperty("title").GetString());

        (status, var invalid) = await SendAsync(HttpMethod.Post, "broker/orders", """{"symbol":"AAPL","side":"up","quantity":"ten"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(invalid.GetProperty("errors").TryGetProperty("quantity", out _), invalid.ToString());

        (status, var filled) = await SendAsync(HttpMethod.Post, "broker/orders", """{"symbol":"ETHUSD","side":"sell","quantity":2}""");
        Assert.Equal("filled", filled.GetProperty("status").GetString());
        Assert.Equal(-2, (await OkAsync("broker/positions"))[0].GetProperty("quantity").GetDecimal());
        Assert.Equal(filled.GetProperty("id").GetString(), (await OkAsync("broker/executions"))[0].GetProperty("order_id").GetString());
        Assert.Equal(1, (await OkAsync("broker/account")).GetProperty("open_positions").GetInt32());
        Assert.Equal(2, (await OkAsync("broker/orders")).GetArrayLength());
        (status, var closing) = await SendAsync(HttpMethod.Post, "broker/positions/ETHUSD/close");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("buy", closing.GetProperty("side").GetString());
        Assert.Equal(0, (await OkAsync("broker/positions")).GetArrayLength());
    }
}

public sealed class RestSurfaceJitTests(ITestOutputHelper log) : RestSurfaceTests(ApiBuild.Jit, log);

public sealed class RestSurfaceAotTests(ITestOutputHelper log) : RestSurfaceTests(ApiBuild.Aot, log);
