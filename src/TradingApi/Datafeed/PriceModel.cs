namespace TradingApi.Datafeed;

public sealed record Bar(long Time, double Open, double High, double Low, double Close, long Volume);

public sealed record Quote(
    string Symbol, double Last, double Bid, double Ask, double Open, double Change, double ChangePercent, long Volume, DateTime Timestamp);

/// <summary>
/// Deterministic synthetic prices: a pure function of (symbol, unix second), so the same bars
/// request always answers the same bars and adjacent bars join (close of one = open of the next).
/// </summary>
public static class PriceModel
{
    private const double Tau = 2 * Math.PI;

    public static double Price(SymbolInfo symbol, long unixSeconds)
    {
        var phase = Unit(Hash(symbol.Symbol, 0)) * Tau;
        var exponent =
            0.08 * Math.Sin(Tau * unixSeconds / (86400.0 * 37) + phase) +
            0.015 * Math.Sin(Tau * unixSeconds / 86400.0 + phase * 1.7) +
            0.004 * Math.Sin(Tau * unixSeconds / 3600.0 + phase * 2.3) +
            0.0015 * (Unit(Hash(symbol.Symbol, unixSeconds / 60)) * 2 - 1);
        return Round(symbol, symbol.BasePrice * Math.Exp(exponent));
    }

    /// <summary>The bar starting at <paramref name="start"/>; an unfinished bar closes at <paramref name="now"/>.</summary>
    public static Bar Bar(SymbolInfo symbol, long start, long seconds, long now)
    {
        var end = Math.Min(start + seconds, Math.Max(start, now));
        var open = Price(symbol, start);
        var close = Price(symbol, end);
        var high = Math.Max(open, close);
        var low = Math.Min(open, close);
        const int samples = 8;
        for (var i = 1; i < samples; i++)
        {
            var p = Price(symbol, start + (end - start) * i / samples);
            high = Math.Max(high, p);
            low = Math.Min(low, p);
        }

        var wick = Unit(Hash(symbol.Symbol, start ^ 0x5bd1e995)) * 0.002 * open;
        var volume = (long)(1000 + Unit(Hash(symbol.Symbol, start)) * 9000) * Math.Max(1, (end - start) / 60);
        return new Bar(start, open, Round(symbol, high + wick), Round(symbol, Math.Max(low - wick, 0)), close, volume);
    }

    public static Quote Quote(SymbolInfo symbol, DateTimeOffset now)
    {
        var t = now.ToUnixTimeSeconds();
        var dayStart = t - t % 86400;
        var last = Price(symbol, t);
        var open = Price(symbol, dayStart);
        var halfSpread = Math.Max(symbol.MinMove, last * 0.00005);
        var change = Round(symbol, last - open);
        var volume = (long)((t - dayStart) * (50 + Unit(Hash(symbol.Symbol, dayStart)) * 50));
        return new Quote(symbol.Symbol, last, Round(symbol, last - halfSpread), Round(symbol, last + halfSpread), open,
            change, Math.Round(change / open * 100, 3), volume, now.UtcDateTime);
    }

    private static double Round(SymbolInfo symbol, double price) =>
        Math.Round(price * symbol.PriceScale, MidpointRounding.AwayFromZero) / symbol.PriceScale;

    private static double Unit(ulong hash) => (hash >> 11) * (1.0 / (1UL << 53));

    /// <summary>FNV-1a: stable across processes, unlike string.GetHashCode.</summary>
    private static ulong Hash(string text, long salt)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        for (var i = 0; i < 8; i++)
        {
            hash = (hash ^ (byte)(salt >> (i * 8))) * 1099511628211UL;
        }

        return hash ^ (hash >> 29);
    }
}
