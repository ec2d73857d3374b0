using TradingApi.Datafeed;
using TradingApi.Hosting;
using TradingApi.WebSockets;

namespace TradingApi.Broker;

/// <summary>In-memory paper broker: orders, positions, executions, account; change stream over ws.</summary>
public sealed class BrokerModule : IModule
{
    public string Name => "broker";

    public string Description => "In-memory paper broker: orders, positions, executions, account";

    public void MapEndpoints(RouteGroupBuilder group)
    {
        group.MapGet("/orders", (BrokerStore store) => store.Orders())
            .WithName("broker_list_orders").WithSummary("All orders of this instance, oldest first");
        group.MapGet("/orders/{id}", (string id, BrokerStore store) =>
                store.Find(id) is { } order ? Results.Ok(order) : NotFound(id))
            .WithName("broker_get_order").WithSummary("One order").Produces<Order>();
        group.MapPost("/orders", PlaceAsync)
            .WithName("broker_place_order").WithSummary("Place an order (market orders fill at once)")
            .Accepts<PlaceOrderRequest>("application/json").Produces<Order>(201).ProducesValidationProblem();
        group.MapPut("/orders/{id}", ModifyAsync)
            .WithName("broker_modify_order").WithSummary("Change quantity or prices of a working order")
            .Accepts<ModifyOrderRequest>("application/json").Produces<Order>().ProducesValidationProblem();
        group.MapDelete("/orders/{id}", Cancel)
            .WithName("broker_cancel_order").WithSummary("Cancel a working order").Produces<Order>();

        group.MapGet("/positions", (BrokerStore store) => store.Positions())
            .WithName("broker_list_positions").WithSummary("Open positions (signed quantity)");
        group.MapPost("/positions/{symbol}/close", ClosePosition)
            .WithName("broker_close_position").WithSummary("Close a position with an opposite market order").Produces<Order>();

        group.MapGet("/executions", (BrokerStore store) => store.Executions())
            .WithName("broker_list_executions").WithSummary("Fills, oldest first");
        group.MapGet("/account", (BrokerStore store) => store.Account())
            .WithName("broker_account").WithSummary("Balance, equity and P&L of the demo account");
    }

    public void MapWebSocket(RouteGroupBuilder group) => group.MapWsTopics<BrokerTopics>(Name);

    public IReadOnlyList<IWsTopic> WsTopics(IServiceProvider services) => services.GetRequiredService<BrokerTopics>().Topics;

    private static async Task<IResult> PlaceAsync(HttpRequest request, BrokerStore store, CancellationToken cancellationToken)
    {
        var (body, error) = await FieldErrors.ReadBodyAsync<PlaceOrderRequest>(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var errors = OrderValidation.ValidatePlace(body!, out var symbol, out var side, out var type);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var order = store.Place(symbol!, side, type, body!.Quantity!.Value, body.LimitPrice, body.StopPrice);
        return Results.Created($"{request.PathBase}{request.Path}/{order.Id}", order);
    }

    private static async Task<IResult> ModifyAsync(string id, HttpRequest request, BrokerStore store, CancellationToken cancellationToken)
    {
        var (body, error) = await FieldErrors.ReadBodyAsync<ModifyOrderRequest>(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (store.Find(id) is not { } existing)
        {
            return NotFound(id);
        }

        var errors = OrderValidation.ValidateModify(body!, existing);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var (order, modified) = store.Modify(id, body!.Quantity, body.LimitPrice, body.StopPrice);
        return modified ? Results.Ok(order) : NotWorking(order!);
    }

    private static IResult Cancel(string id, BrokerStore store)
    {
        var (order, cancelled) = store.Cancel(id);
        return order is null ? NotFound(id) : cancelled ? Results.Ok(order) : NotWorking(order);
    }

    private static IResult ClosePosition(string symbol, BrokerStore store)
    {
        var info = SymbolCatalog.Find(symbol);
        var order = info is null ? null : store.ClosePosition(info);
        return order is not null
            ? Results.Ok(order)
            : Results.Problem(statusCode: 404, title: "Position not found",
                detail: $"no open position in '{symbol}'. Open positions: {string.Join(", ", store.Positions().Select(p => p.Symbol).DefaultIfEmpty("none"))}");
    }

    private static IResult NotFound(string id) =>
        Results.Problem(statusCode: 404, title: "Order not found", detail: $"no order with id '{id}'");

    private static IResult NotWorking(Order order) =>
        Results.Problem(statusCode: 409, title: "Order is not working",
            detail: $"order '{order.Id}' is {order.Status.ToString().ToLowerInvariant()}; only working orders can be changed");
}

public static class BrokerServices
{
    public static IServiceCollection AddBroker(this IServiceCollection services) => services
        .AddSingleton<BrokerStore>()
        .AddSingleton<BrokerTopics>();
}
