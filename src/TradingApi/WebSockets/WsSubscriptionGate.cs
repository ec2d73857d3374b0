namespace TradingApi.WebSockets;

/// <summary>
/// Sits between a topic and the session: once disposed, no update of that subscription reaches
/// the client, so nothing arrives after the <c>.unsubscribe.response</c>.
/// </summary>
internal sealed class WsSubscriptionGate(IWsSink session) : IWsSink, IDisposable
{
    private readonly Lock _gate = new();
    private IDisposable? _handle;
    private bool _closed;

    public void Attach(IDisposable handle) => _handle = handle;

    public void PostUpdate(string route, string subscriptionId, object data)
    {
        lock (_gate)
        {
            if (!_closed)
            {
                session.PostUpdate(route, subscriptionId, data);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
        }

        _handle?.Dispose();
    }
}
