using System.Text.Json;
using TradingApi.WebSockets;

namespace TradingApi.Datafeed;

/// <summary>The datafeed WebSocket routes: <c>bars</c> and <c>quotes</c>, pushed on every tick.</summary>
public sealed class DatafeedTopics(MarketTicker ticker) : IWsTopicSet
{
    public IReadOnlyList<IWsTopic> Topics { get; } = [new BarsTopic(ticker), new QuotesTopic(ticker)];

    private sealed record BarsArgs(SymbolInfo Symbol, string Resolution, long Seconds);

    private sealed class BarsTopic(MarketTicker ticker) : IWsTopic
    {
        public string Route => "bars";

        public Type DataType => typeof(Bar);

        public string SubscribePayloadSchema => """
            {"type":"object","required":["symbol"],"properties":{"symbol":{"type":"string","description":"ticker, e.g. AAPL or NASDAQ:AAPL"},"resolution":{"type":"string","enum":["1","5","15","30","60","240","1D","1W"],"default":"1"}}}
            """;

        public WsTopicRequest Parse(JsonElement payload)
        {
            var symbol = WsPayload.GetString(payload, "symbol");
            var resolution = WsPayload.GetString(payload, "resolution") ?? "1";
            if (SymbolCatalog.Find(symbol) is not { } info)
            {
                return WsTopicRequest.Invalid(symbol is null
                    ? "payload.symbol is required, e.g. {\"symbol\":\"AAPL\",\"resolution\":\"1\"}"
                    : "payload.symbol: " + SymbolCatalog.UnknownMessage(symbol));
            }

            return SymbolCatalog.Resolutions.TryGetValue(resolution, out var seconds)
                ? WsTopicRequest.Ok($"{info.Symbol}:{resolution}", new BarsArgs(info, resolution, seconds))
                : WsTopicRequest.Invalid("payload.resolution: " + SymbolCatalog.UnknownResolutionMessage(resolution));
        }

        public IDisposable Subscribe(string subscriptionId, WsTopicRequest request, IWsSink sink)
        {
            var args = (BarsArgs)request.Arguments!;
            return ticker.Subscribe(now =>
            {
                var t = now.ToUnixTimeSeconds();
                sink.PostUpdate(Route, subscriptionId, PriceModel.Bar(args.Symbol, t - t % args.Seconds, args.Seconds, t));
            });
        }
    }

    private sealed class QuotesTopic(MarketTicker ticker) : IWsTopic
    {
        public string Route => "quotes";

        public Type DataType => typeof(Quote[]);

        public string SubscribePayloadSchema => """
            {"type":"object","required":["symbols"],"properties":{"symbols":{"description":"tickers, as a list or a comma-separated string","oneOf":[{"type":"array","items":{"type":"string"},"minItems":1},{"type":"string"}]}}}
            """;

        public WsTopicRequest Parse(JsonElement payload)
        {
            var names = WsPayload.GetStrings(payload, "symbols");
            if (names is null || names.Count == 0)
            {
                return WsTopicRequest.Invalid("payload.symbols is required: a list such as [\"AAPL\",\"MSFT\"]");
            }

            var unknown = names.Where(n => SymbolCatalog.Find(n) is null).ToArray();
            if (unknown.Length > 0)
            {
                return WsTopicRequest.Invalid("payload.symbols: " + SymbolCatalog.UnknownMessage(string.Join(",", unknown)));
            }

            var symbols = names.Select(n => SymbolCatalog.Find(n)!).DistinctBy(s => s.Symbol).OrderBy(s => s.Symbol, StringComparer.Ordinal).ToArray();
            return WsTopicRequest.Ok(string.Join(",", symbols.Select(s => s.Symbol)), symbols);
        }

        public IDisposable Subscribe(string subscriptionId, WsTopicRequest request, IWsSink sink)
        {
            var symbols = (SymbolInfo[])request.Arguments!;
            return ticker.Subscribe(now => sink.PostUpdate(Route, subscriptionId, symbols.Select(s => PriceModel.Quote(s, now)).ToArray()));
        }
    }
}
