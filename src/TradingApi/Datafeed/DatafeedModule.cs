using System.Globalization;
using TradingApi.Hosting;
using TradingApi.WebSockets;

namespace TradingApi.Datafeed;

public sealed record DatafeedConfig(
    IReadOnlyList<string> SupportedResolutions, IReadOnlyList<string> Exchanges, IReadOnlyList<string> SymbolTypes,
    bool SupportsSearch, bool SupportsTime, int MaxBars, int UpdateIntervalMs);

public sealed record SearchResult(string Symbol, string Description, string Exchange, string Type);

public sealed record BarsResponse(string Symbol, string Resolution, long From, long To, IReadOnlyList<Bar> Bars);

public sealed record QuotesResponse(IReadOnlyList<Quote> Quotes);

/// <summary>Synthetic market data: config, search, resolve, bars, quotes; bars and quotes streams.</summary>
public sealed class DatafeedModule : IModule
{
    public const int MaxBars = 5000;
    public const int MaxSearchLimit = 100;

    public string Name => "datafeed";

    public string Description => "Synthetic market data: symbols, OHLC bars, quotes, streaming";

    public void MapEndpoints(RouteGroupBuilder group)
    {
        group.MapGet("/config", (ApiSettings settings) => new DatafeedConfig(SymbolCatalog.ResolutionNames,
                SymbolCatalog.Exchanges, SymbolCatalog.Types, true, true, MaxBars, (int)settings.DatafeedInterval.TotalMilliseconds))
            .WithName("datafeed_config").WithSummary("Datafeed capabilities: resolutions, exchanges, symbol types");

        group.MapGet("/search", Search)
            .WithName("datafeed_search").WithSummary("Search symbols by ticker or name (query, type, exchange, limit)");

        group.MapGet("/symbols/{symbol}", (string symbol) => SymbolCatalog.Find(symbol) is { } info
                ? Results.Ok(info)
                : Results.Problem(statusCode: 404, title: "Symbol not found", detail: SymbolCatalog.UnknownMessage(symbol)))
            .WithName("datafeed_resolve").WithSummary("Resolve one symbol to its full description")
            .Produces<SymbolInfo>();

        group.MapGet("/bars", Bars)
            .WithName("datafeed_bars").WithSummary("Deterministic OHLC bars for symbol, resolution, from, to (unix seconds)")
            .Produces<BarsResponse>().ProducesValidationProblem();

        group.MapGet("/quotes", Quotes)
            .WithName("datafeed_quotes").WithSummary("Current quotes for a comma-separated list of symbols")
            .Produces<QuotesResponse>().ProducesValidationProblem();
    }

    public void MapWebSocket(RouteGroupBuilder group) => group.MapWsTopics<DatafeedTopics>(Name);

    public IReadOnlyList<IWsTopic> WsTopics(IServiceProvider services) => services.GetRequiredService<DatafeedTopics>().Topics;

    private static IResult Search(string? query, string? type, string? exchange, string? limit)
    {
        var errors = new FieldErrors();
        var max = 30;
        if (limit is not null && (!int.TryParse(limit, CultureInfo.InvariantCulture, out max) || max is < 1 or > MaxSearchLimit))
        {
            errors.Add("limit", $"'{limit}' is not an integer between 1 and {MaxSearchLimit}");
        }

        if (type is not null && !SymbolCatalog.Types.Contains(type, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add("type", $"unknown type '{type}'. Valid types: {string.Join(", ", SymbolCatalog.Types)}");
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        var q = query?.Trim() ?? "";
        var found = SymbolCatalog.All
            .Where(s => type is null || s.Type.Equals(type, StringComparison.OrdinalIgnoreCase))
            .Where(s => exchange is null || s.Exchange.Equals(exchange, StringComparison.OrdinalIgnoreCase))
            .Where(s => s.Symbol.Contains(q, StringComparison.OrdinalIgnoreCase) || s.Name.Contains(q, StringComparison.OrdinalIgnoreCase))
            .OrderBy(s => s.Symbol.StartsWith(q, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(s => s.Symbol, StringComparer.Ordinal)
            .Take(max)
            .Select(s => new SearchResult(s.Symbol, s.Description, s.Exchange, s.Type));
        return Results.Ok(found.ToArray());
    }

    private static IResult Bars(string? symbol, string? resolution, string? from, string? to, TimeProvider clock)
    {
        var errors = new FieldErrors();
        var info = SymbolCatalog.Find(symbol);
        if (string.IsNullOrWhiteSpace(symbol))
        {
            errors.Add("symbol", "is required, e.g. symbol=AAPL");
        }
        else if (info is null)
        {
            errors.Add("symbol", SymbolCatalog.UnknownMessage(symbol));
        }

        if (resolution is null || !SymbolCatalog.Resolutions.TryGetValue(resolution, out var seconds))
        {
            errors.Add("resolution", resolution is null ? "is required, e.g. resolution=1D" : SymbolCatalog.UnknownResolutionMessage(resolution));
            seconds = 0;
        }

        var start = ParseUnix(from, "from", errors);
        var end = ParseUnix(to, "to", errors);
        if (start is not null && end is not null && start >= end)
        {
            errors.Add("to", $"must be after from ({from}), got {to}");
        }
        else if (start is not null && end is not null && seconds > 0 && (end - start) / seconds > MaxBars)
        {
            errors.Add("from", $"the range asks for {(end - start) / seconds} bars; at most {MaxBars} per request. Fix: narrow from..to");
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var bars = new List<Bar>();
        for (var t = (start!.Value + seconds - 1) / seconds * seconds; t < end!.Value && t <= now; t += seconds)
        {
            bars.Add(PriceModel.Bar(info!, t, seconds, now));
        }

        return Results.Ok(new BarsResponse(info!.Symbol, resolution!, start.Value, end.Value, bars));
    }

    private static IResult Quotes(string? symbols, TimeProvider clock)
    {
        var names = (symbols ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0)
        {
            return FieldErrors.Single("symbols", "is required: a comma-separated list, e.g. symbols=AAPL,MSFT");
        }

        var unknown = names.Where(n => SymbolCatalog.Find(n) is null).ToArray();
        if (unknown.Length > 0)
        {
            return FieldErrors.Single("symbols", SymbolCatalog.UnknownMessage(string.Join(",", unknown)));
        }

        var now = clock.GetUtcNow();
        return Results.Ok(new QuotesResponse(names.Select(n => PriceModel.Quote(SymbolCatalog.Find(n)!, now)).ToArray()));
    }

    private static long? ParseUnix(string? value, string field, FieldErrors errors)
    {
        if (value is null)
        {
            errors.Add(field, "is required: unix time in seconds");
            return null;
        }

        if (long.TryParse(value, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return seconds;
        }

        errors.Add(field, $"'{value}' is not a unix time in seconds");
        return null;
    }
}

public static class DatafeedServices
{
    public static IServiceCollection AddDatafeed(this IServiceCollection services) => services
        .AddSingleton<MarketTicker>()
        .AddSingleton<DatafeedTopics>();
}
