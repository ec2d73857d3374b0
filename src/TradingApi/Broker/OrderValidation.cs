using TradingApi.Datafeed;
using TradingApi.Hosting;

namespace TradingApi.Broker;

/// <summary>Field checks for order requests; every problem is reported, each under its field name.</summary>
public static class OrderValidation
{
    public const decimal MaxQuantity = 1_000_000m;

    public static FieldErrors ValidatePlace(PlaceOrderRequest body, out SymbolInfo? symbol, out OrderSide side, out OrderType type)
    {
        var errors = new FieldErrors();
        symbol = SymbolCatalog.Find(body.Symbol);
        if (string.IsNullOrWhiteSpace(body.Symbol))
        {
            errors.Add("symbol", "is required, e.g. \"AAPL\"");
        }
        else if (symbol is null)
        {
            errors.Add("symbol", SymbolCatalog.UnknownMessage(body.Symbol));
        }

        side = default;
        if (body.Side is null)
        {
            errors.Add("side", "is required: buy or sell");
        }
        else if (!TryParse(body.Side, out side))
        {
            errors.Add("side", $"'{body.Side}' is not a side. Valid sides: buy, sell");
        }

        type = OrderType.Market;
        if (body.Type is not null && !TryParse(body.Type, out type))
        {
            errors.Add("type", $"'{body.Type}' is not an order type. Valid types: market, limit, stop");
        }

        CheckQuantity(body.Quantity, required: true, errors);
        CheckPrice("limit_price", body.LimitPrice, required: type == OrderType.Limit, allowed: type == OrderType.Limit, type, errors);
        CheckPrice("stop_price", body.StopPrice, required: type == OrderType.Stop, allowed: type == OrderType.Stop, type, errors);
        return errors;
    }

    public static FieldErrors ValidateModify(ModifyOrderRequest body, Order order)
    {
        var errors = new FieldErrors();
        if (body is { Quantity: null, LimitPrice: null, StopPrice: null })
        {
            errors.Add("body", "nothing to change: give quantity, limit_price or stop_price");
        }

        CheckQuantity(body.Quantity, required: false, errors);
        CheckPrice("limit_price", body.LimitPrice, required: false, allowed: order.Type == OrderType.Limit, order.Type, errors);
        CheckPrice("stop_price", body.StopPrice, required: false, allowed: order.Type == OrderType.Stop, order.Type, errors);
        return errors;
    }

    private static void CheckQuantity(decimal? quantity, bool required, FieldErrors errors)
    {
        if (quantity is null)
        {
            if (required)
            {
                errors.Add("quantity", "is required: a number greater than 0");
            }
        }
        else if (quantity <= 0 || quantity > MaxQuantity)
        {
            errors.Add("quantity", $"must be greater than 0 and at most {MaxQuantity}, got {quantity}");
        }
    }

    private static void CheckPrice(string field, decimal? price, bool required, bool allowed, OrderType type, FieldErrors errors)
    {
        var kind = type.ToString().ToLowerInvariant();
        if (price is null)
        {
            if (required)
            {
                errors.Add(field, $"is required for a {kind} order");
            }
        }
        else if (!allowed)
        {
            errors.Add(field, $"is not allowed on a {kind} order, got {price}");
        }
        else if (price <= 0)
        {
            errors.Add(field, $"must be greater than 0, got {price}");
        }
    }

    private static bool TryParse<T>(string value, out T result) where T : struct, Enum =>
        Enum.TryParse(value.Trim(), ignoreCase: true, out result) && Enum.IsDefined(result) && !value.Trim().All(char.IsAsciiDigit);
}
