namespace TradingApi.Datafeed;

public sealed record SymbolInfo(
    string Symbol,
    string Name,
    string Description,
    string Exchange,
    string Type,
    string Currency,
    string Timezone,
    string Session,
    int PriceScale,
    double MinMove,
    IReadOnlyList<string> SupportedResolutions,
    [property: System.Text.Json.Serialization.JsonIgnore] double BasePrice);

/// <summary>The fixed symbol universe of the synthetic datafeed.</summary>
public static class SymbolCatalog
{
    /// <summary>Resolution name → bar length in seconds, in TradingView's notation.</summary>
    public static IReadOnlyDictionary<string, long> Resolutions { get; } = new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["1"] = 60, ["5"] = 300, ["15"] = 900, ["30"] = 1800, ["60"] = 3600, ["240"] = 14400,
        ["1D"] = 86400, ["1W"] = 604800,
    };

    public static IReadOnlyList<string> ResolutionNames { get; } = Resolutions.Keys.ToArray();

    public static IReadOnlyList<SymbolInfo> All { get; } =
    [
        Stock("AAPL", "Apple Inc.", "NASDAQ", 190),
        Stock("MSFT", "Microsoft Corporation", "NASDAQ", 410),
        Stock("GOOGL", "Alphabet Inc. Class A", "NASDAQ", 170),
        Stock("AMZN", "Amazon.com Inc.", "NASDAQ", 180),
        Stock("NVDA", "NVIDIA Corporation", "NASDAQ", 120),
        Stock("TSLA", "Tesla Inc.", "NASDAQ", 240),
        Stock("META", "Meta Platforms Inc.", "NASDAQ", 500),
        Stock("JPM", "JPMorgan Chase & Co.", "NYSE", 200),
        Stock("SPY", "SPDR S&P 500 ETF Trust", "NYSEARCA", 540),
        Other("EURUSD", "Euro / US Dollar", "FX", "forex", 1.08, 100000, 0.00001),
        Other("GBPUSD", "British Pound / US Dollar", "FX", "forex", 1.27, 100000, 0.00001),
        Other("BTCUSD", "Bitcoin / US Dollar", "CRYPTO", "crypto", 65000, 100, 0.01),
        Other("ETHUSD", "Ethereum / US Dollar", "CRYPTO", "crypto", 3200, 100, 0.01),
    ];

    public static IReadOnlyList<string> Exchanges { get; } = All.Select(s => s.Exchange).Distinct().ToArray();

    public static IReadOnlyList<string> Types { get; } = All.Select(s => s.Type).Distinct().ToArray();

    private static readonly Dictionary<string, SymbolInfo> BySymbol =
        All.ToDictionary(s => s.Symbol, StringComparer.OrdinalIgnoreCase);

    /// <summary>Finds a symbol by ticker, case-insensitively; <c>EXCHANGE:TICKER</c> is accepted.</summary>
    public static SymbolInfo? Find(string? symbol)
    {
        if (string.IsNullOrWhiteSpace(symbol))
        {
            return null;
        }

        var ticker = symbol.Trim();
        var colon = ticker.IndexOf(':');
        if (colon >= 0)
        {
            ticker = ticker[(colon + 1)..];
        }

        return BySymbol.GetValueOrDefault(ticker);
    }

    public static string UnknownMessage(string? symbol) =>
        $"unknown symbol '{symbol}'. Known symbols: {string.Join(", ", All.Select(s => s.Symbol))}";

    public static string UnknownResolutionMessage(string? resolution) =>
        $"unknown resolution '{resolution}'. Valid resolutions: {string.Join(", ", ResolutionNames)}";

    private static SymbolInfo Stock(string symbol, string name, string exchange, double price) =>
        new(symbol, name, name, exchange, "stock", "USD", "America/New_York", "0930-1600", 100, 0.01, ResolutionNames, price);

    private static SymbolInfo Other(string symbol, string name, string exchange, string type, double price, int scale, double minMove) =>
        new(symbol, name, name, exchange, type, "USD", "Etc/UTC", "24x7", scale, minMove, ResolutionNames, price);
}
