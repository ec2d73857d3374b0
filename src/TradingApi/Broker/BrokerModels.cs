namespace TradingApi.Broker;

public enum OrderSide { Buy, Sell }

public enum OrderType { Market, Limit, Stop }

public enum OrderStatus { Working, Filled, Cancelled }

public sealed record Order(
    string Id, string Symbol, OrderSide Side, OrderType Type, decimal Quantity, decimal? LimitPrice, decimal? StopPrice,
    OrderStatus Status, decimal FilledQuantity, decimal? AveragePrice, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>Quantity is signed: positive long, negative short.</summary>
public sealed record Position(string Symbol, decimal Quantity, decimal AveragePrice, decimal MarketPrice, decimal UnrealizedPnl);

public sealed record Execution(string Id, string OrderId, string Symbol, OrderSide Side, decimal Quantity, decimal Price, DateTime Time);

public sealed record Account(
    string Id, string Currency, decimal Balance, decimal Equity, decimal RealizedPnl, decimal UnrealizedPnl,
    int WorkingOrders, int OpenPositions);

public sealed record PlaceOrderRequest(string? Symbol, string? Side, string? Type, decimal? Quantity, decimal? LimitPrice, decimal? StopPrice);

public sealed record ModifyOrderRequest(decimal? Quantity, decimal? LimitPrice, decimal? StopPrice);

/// <summary>A position change pushed over the WebSocket; <c>Closed</c> when the quantity reached 0.</summary>
public sealed record PositionUpdate(Position Position, bool Closed);
