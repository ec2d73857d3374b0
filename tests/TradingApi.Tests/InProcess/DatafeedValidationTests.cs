using TradingApi.Tests.Infrastructure;

namespace TradingApi.Tests.InProcess;

public sealed class DatafeedValidationTests(DatafeedApi api) : IClassFixture<DatafeedApi>
{
    private readonly HttpClient _client = api.Factory.Client();

    [Theory]
    [InlineData("resolution=1D&from=0&to=100000", "symbol", "required")]
    [InlineData("symbol=NOPE&resolution=1D&from=0&to=100000", "symbol", "NOPE")]
    [InlineData("symbol=AAPL&from=0&to=100000", "resolution", "required")]
    [InlineData("symbol=AAPL&resolution=7&from=0&to=100000", "resolution", "'7'")]
    [InlineData("symbol=AAPL&resolution=1D&to=100000", "from", "required")]
    [InlineData("symbol=AAPL&resolution=1D&from=yesterday&to=100000", "from", "'yesterday'")]
    [InlineData("symbol=AAPL&resolution=1D&from=0", "to", "required")]
    [InlineData("symbol=AAPL&resolution=1D&from=5000&to=100", "to", "must be after from")]
    [InlineData("symbol=AAPL&resolution=1&from=0&to=1000000", "from", "at most 5000")]
    public async Task Bars_reject_bad_parameters_naming_the_field(string query, string field, string expected)
    {
        var response = await _client.GetAsync($"/api/v1/datafeed/bars?{query}");

        Assert.Contains(expected, await response.AssertFieldErrorAsync(field));
    }

    [Theory]
    [InlineData("", "required")]
    [InlineData("symbols=", "required")]
    [InlineData("symbols=AAPL,NOPE", "NOPE")]
    public async Task Quotes_reject_missing_or_unknown_symbols(string query, string expected)
    {
        var response = await _client.GetAsync($"/api/v1/datafeed/quotes?{query}");

        Assert.Contains(expected, await response.AssertFieldErrorAsync("symbols"));
    }

    [Theory]
    [InlineData("limit=0", "limit", "between 1 and 100")]
    [InlineData("limit=many", "limit", "'many'")]
    [InlineData("type=bond", "type", "bond")]
    public async Task Search_rejects_bad_parameters_naming_the_field(string query, string field, string expected)
    {
        var response = await _client.GetAsync($"/api/v1/datafeed/search?{query}");

        Assert.Contains(expected, await response.AssertFieldErrorAsync(field));
    }
}
