using System.Text.Json;
using TradingApi.WebSockets;

namespace TradingApi.Broker;

/// <summary>The broker WebSocket routes: <c>orders</c>, <c>positions</c>, <c>executions</c>, pushed on change.</summary>
public sealed class BrokerTopics(BrokerStore store) : IWsTopicSet
{
    public IReadOnlyList<IWsTopic> Topics { get; } =
    [
        new ChangeTopic("orders", typeof(Order), (sink, post) =>
        {
            Action<Order> handler = o => post(o);
            store.OrderChanged += handler;
            return () => store.OrderChanged -= handler;
        }),
        new ChangeTopic("positions", typeof(PositionUpdate), (sink, post) =>
        {
            Action<PositionUpdate> handler = p => post(p);
            store.PositionChanged += handler;
            return () => store.PositionChanged -= handler;
        }),
        new ChangeTopic("executions", typeof(Execution), (sink, post) =>
        {
            Action<Execution> handler = e => post(e);
            store.ExecutionAdded += handler;
            return () => store.ExecutionAdded -= handler;
        }),
    ];

    /// <summary>A topic without parameters (payload ignored) fed by one store event.</summary>
    private sealed class ChangeTopic(string route, Type dataType, Func<IWsSink, Action<object>, Action> attach) : IWsTopic
    {
        public string Route => route;

        public Type DataType => dataType;

        public string SubscribePayloadSchema => """{"type":"object","description":"none: the payload may be omitted or {}"}""";

        public WsTopicRequest Parse(JsonElement payload) => WsTopicRequest.Ok("all");

        public IDisposable Subscribe(string subscriptionId, WsTopicRequest request, IWsSink sink)
        {
            var detach = attach(sink, data => sink.PostUpdate(route, subscriptionId, data));
            return new Detach(detach);
        }
    }

    private sealed class Detach(Action detach) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                detach();
            }
        }
    }
}
