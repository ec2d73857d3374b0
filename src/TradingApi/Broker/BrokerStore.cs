using TradingApi.Datafeed;

namespace TradingApi.Broker;

/// <summary>
/// The in-memory broker of one instance: orders, positions, executions and the account. Market
/// orders (and marketable limits) fill at once at the synthetic price; others stay working.
/// One lock guards the state; change events fire inside it so subscribers see changes in order.
/// </summary>
public sealed class BrokerStore(TimeProvider clock)
{
    public const decimal StartingBalance = 100_000m;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Order> _orders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (decimal Quantity, decimal AveragePrice)> _positions = new(StringComparer.Ordinal);
    private readonly List<Execution> _executions = [];
    private decimal _realized;
    private long _nextOrder;
    private long _nextExecution;

    public event Action<Order>? OrderChanged;

    public event Action<PositionUpdate>? PositionChanged;

    public event Action<Execution>? ExecutionAdded;

    public IReadOnlyList<Order> Orders()
    {
        lock (_gate)
        {
            return _orders.Values.OrderBy(o => o.CreatedAt).ThenBy(o => o.Id, StringComparer.Ordinal).ToArray();
        }
    }

    public Order? Find(string id)
    {
        lock (_gate)
        {
            return _orders.GetValueOrDefault(id);
        }
    }

    public IReadOnlyList<Execution> Executions()
    {
        lock (_gate)
        {
            return _executions.ToArray();
        }
    }

    public IReadOnlyList<Position> Positions()
    {
        lock (_gate)
        {
            return _positions.Keys.Order(StringComparer.Ordinal).Select(PositionOf).ToArray();
        }
    }

    public Position? FindPosition(string symbol)
    {
        lock (_gate)
        {
            return _positions.ContainsKey(symbol) ? PositionOf(symbol) : null;
        }
    }

    public Account Account()
    {
        lock (_gate)
        {
            var unrealized = _positions.Keys.Sum(s => PositionOf(s).UnrealizedPnl);
            var balance = StartingBalance + _realized;
            return new Account("demo", "USD", balance, balance + unrealized, _realized, unrealized,
                _orders.Values.Count(o => o.Status == OrderStatus.Working), _positions.Count);
        }
    }

    /// <summary>Places a validated order; returns it after any immediate fill.</summary>
    public Order Place(SymbolInfo symbol, OrderSide side, OrderType type, decimal quantity, decimal? limit, decimal? stop)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var order = new Order($"ord-{++_nextOrder}", symbol.Symbol, side, type, quantity, limit, stop,
                OrderStatus.Working, 0, null, now, now);
            _orders[order.Id] = order;
            OrderChanged?.Invoke(order);
            return FillIfMarketable(order);
        }
    }

    /// <summary>Changes a working order; null when unknown, the unchanged order when not working.</summary>
    public (Order? Order, bool Modified) Modify(string id, decimal? quantity, decimal? limit, decimal? stop)
    {
        lock (_gate)
        {
            if (!_orders.TryGetValue(id, out var order) || order.Status != OrderStatus.Working)
            {
                return (order, false);
            }

            order = order with
            {
                Quantity = quantity ?? order.Quantity,
                LimitPrice = limit ?? order.LimitPrice,
                StopPrice = stop ?? order.StopPrice,
                UpdatedAt = clock.GetUtcNow().UtcDateTime,
            };
            _orders[id] = order;
            OrderChanged?.Invoke(order);
            return (FillIfMarketable(order), true);
        }
    }

    public (Order? Order, bool Cancelled) Cancel(string id)
    {
        lock (_gate)
        {
            if (!_orders.TryGetValue(id, out var order) || order.Status != OrderStatus.Working)
            {
                return (order, false);
            }

            order = order with { Status = OrderStatus.Cancelled, UpdatedAt = clock.GetUtcNow().UtcDateTime };
            _orders[id] = order;
            OrderChanged?.Invoke(order);
            return (order, true);
        }
    }

    /// <summary>Closes a position with an opposite market order; null when there is none.</summary>
    public Order? ClosePosition(SymbolInfo symbol)
    {
        lock (_gate)
        {
            if (!_positions.TryGetValue(symbol.Symbol, out var position))
            {
                return null;
            }

            var side = position.Quantity > 0 ? OrderSide.Sell : OrderSide.Buy;
            return Place(symbol, side, OrderType.Market, Math.Abs(position.Quantity), null, null);
        }
    }

    private Order FillIfMarketable(Order order)
    {
        var symbol = SymbolCatalog.Find(order.Symbol)!;
        var now = clock.GetUtcNow();
        var price = (decimal)PriceModel.Price(symbol, now.ToUnixTimeSeconds());
        var marketable = order.Type switch
        {
            OrderType.Market => true,
            OrderType.Limit => order.Side == OrderSide.Buy ? price <= order.LimitPrice : price >= order.LimitPrice,
            _ => order.Side == OrderSide.Buy ? price >= order.StopPrice : price <= order.StopPrice,
        };
        if (!marketable)
        {
            return order;
        }

        var execution = new Execution($"exe-{++_nextExecution}", order.Id, order.Symbol, order.Side, order.Quantity, price, now.UtcDateTime);
        _executions.Add(execution);
        ExecutionAdded?.Invoke(execution);
        ApplyFill(execution);
        var filled = order with
        {
            Status = OrderStatus.Filled, FilledQuantity = order.Quantity, AveragePrice = price, UpdatedAt = now.UtcDateTime,
        };
        _orders[order.Id] = filled;
        OrderChanged?.Invoke(filled);
        return filled;
    }

    private void ApplyFill(Execution fill)
    {
        var signed = fill.Side == OrderSide.Buy ? fill.Quantity : -fill.Quantity;
        var (quantity, average) = _positions.GetValueOrDefault(fill.Symbol);
        var next = quantity + signed;
        if (quantity != 0 && Math.Sign(quantity) != Math.Sign(signed))
        {
            var closed = Math.Min(Math.Abs(quantity), Math.Abs(signed));
            _realized += (fill.Price - average) * closed * Math.Sign(quantity);
        }

        if (next == 0)
        {
            var last = new Position(fill.Symbol, 0, average, fill.Price, 0);
            _positions.Remove(fill.Symbol);
            PositionChanged?.Invoke(new PositionUpdate(last, true));
            return;
        }

        var nextAverage = quantity == 0 || Math.Sign(next) != Math.Sign(quantity)
            ? fill.Price // opened, or flipped through zero
            : Math.Sign(signed) == Math.Sign(quantity)
                ? (average * Math.Abs(quantity) + fill.Price * Math.Abs(signed)) / Math.Abs(next)
                : average; // reduced
        _positions[fill.Symbol] = (next, decimal.Round(nextAverage, 6));
        PositionChanged?.Invoke(new PositionUpdate(PositionOf(fill.Symbol), false));
    }

    private Position PositionOf(string symbol)
    {
        var (quantity, average) = _positions[symbol];
        var market = (decimal)PriceModel.Price(SymbolCatalog.Find(symbol)!, clock.GetUtcNow().ToUnixTimeSeconds());
        return new Position(symbol, quantity, average, market, decimal.Round((market - average) * quantity, 2));
    }
}
