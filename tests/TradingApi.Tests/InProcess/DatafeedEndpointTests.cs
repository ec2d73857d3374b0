using System.Net;
using System.Text.Json;
using TradingApi.Tests.Infrastructure;

namespace TradingApi.Tests.InProcess;

public sealed class DatafeedEndpointTests(DatafeedApi api) : IClassFixture<DatafeedApi>
{
    // A fixed past range, so bars are complete and must be identical on every call.
    private const long From = 1_700_000_000 - 1_700_000_000 % 3600;
    private const long To = From + 24 * 3600;
    private readonly HttpClient _client = api.Factory.Client();

    [Fact]
    public async Task Config_lists_resolutions_exchanges_and_types()
    {
        var body = await (await _client.GetAsync("/api/v1/datafeed/config")).ReadJsonAsync();

        Assert.Contains("1D", body.GetProperty("supported_resolutions").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("NASDAQ", body.GetProperty("exchanges").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("crypto", body.GetProperty("symbol_types").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(1000, body.GetProperty("update_interval_ms").GetInt32());
    }

    [Fact]
    public async Task Search_finds_by_ticker_or_name_and_honours_type_and_limit()
    {
        var byName = await (await _client.GetAsync("/api/v1/datafeed/search?query=apple")).ReadJsonAsync();
        var crypto = await (await _client.GetAsync("/api/v1/datafeed/search?query=USD&type=crypto")).ReadJsonAsync();
        var limited = await (await _client.GetAsync("/api/v1/datafeed/search?limit=2")).ReadJsonAsync();

        Assert.Equal("AAPL", Assert.Single(byName.EnumerateArray()).GetProperty("symbol").GetString());
        Assert.Equal(["BTCUSD", "ETHUSD"], crypto.EnumerateArray().Select(s => s.GetProperty("symbol").GetString()!).ToArray());
        Assert.Equal(2, limited.GetArrayLength());
    }

    [Fact]
    public async Task Resolve_returns_the_symbol_description_and_404_for_an_unknown_one()
    {
        var found = await (await _client.GetAsync("/api/v1/datafeed/symbols/NASDAQ:msft")).ReadJsonAsync();
        var missing = await _client.GetAsync("/api/v1/datafeed/symbols/NOPE");

        Assert.Equal("MSFT", found.GetProperty("symbol").GetString());
        Assert.Equal("NASDAQ", found.GetProperty("exchange").GetString());
        Assert.Equal(100, found.GetProperty("price_scale").GetInt32());
        Assert.False(found.TryGetProperty("base_price", out _));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("NOPE", await missing.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Bars_are_deterministic_aligned_and_consistent()
    {
        var url = $"/api/v1/datafeed/bars?symbol=AAPL&resolution=60&from={From}&to={To}";
        var first = await (await _client.GetAsync(url)).ReadJsonAsync();
        var second = await (await _client.GetAsync(url)).ReadJsonAsync();

        Assert.Equal(first.GetRawText(), second.GetRawText());
        var bars = first.GetProperty("bars").EnumerateArray().ToArray();
        Assert.Equal(24, bars.Length);
        JsonElement? previous = null;
        foreach (var bar in bars)
        {
            var (open, high, low, close) = (Num(bar, "open"), Num(bar, "high"), Num(bar, "low"), Num(bar, "close"));
            Assert.Equal(0, bar.GetProperty("time").GetInt64() % 3600);
            Assert.True(high >= Math.Max(open, close) && low <= Math.Min(open, close) && low > 0, bar.GetRawText());
            Assert.True(bar.GetProperty("volume").GetInt64() > 0);
            if (previous is { } p)
            {
                Assert.Equal(p.GetProperty("time").GetInt64() + 3600, bar.GetProperty("time").GetInt64());
                Assert.Equal(Num(p, "close"), open); // adjacent bars join
            }

            previous = bar;
        }
    }

    [Fact]
    public async Task Bars_differ_between_symbols_and_stop_at_now()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var aapl = await (await _client.GetAsync($"/api/v1/datafeed/bars?symbol=AAPL&resolution=1D&from={From}&to={To}")).ReadJsonAsync();
        var msft = await (await _client.GetAsync($"/api/v1/datafeed/bars?symbol=MSFT&resolution=1D&from={From}&to={To}")).ReadJsonAsync();
        var future = await (await _client.GetAsync($"/api/v1/datafeed/bars?symbol=AAPL&resolution=60&from={now - 7200}&to={now + 36000}")).ReadJsonAsync();

        Assert.NotEqual(aapl.GetProperty("bars").GetRawText(), msft.GetProperty("bars").GetRawText());
        Assert.All(future.GetProperty("bars").EnumerateArray(), b => Assert.True(b.GetProperty("time").GetInt64() <= now + 1));
        Assert.InRange(future.GetProperty("bars").GetArrayLength(), 2, 3);
    }

    [Fact]
    public async Task Quotes_answer_each_requested_symbol_with_a_spread()
    {
        var body = await (await _client.GetAsync("/api/v1/datafeed/quotes?symbols=AAPL,btcusd")).ReadJsonAsync();

        var quotes = body.GetProperty("quotes").EnumerateArray().ToArray();
        Assert.Equal(["AAPL", "BTCUSD"], quotes.Select(q => q.GetProperty("symbol").GetString()!).ToArray());
        Assert.All(quotes, q => Assert.True(Num(q, "bid") < Num(q, "last") && Num(q, "last") < Num(q, "ask"), q.GetRawText()));
    }

    private static double Num(JsonElement element, string name) => element.GetProperty(name).GetDouble();
}
