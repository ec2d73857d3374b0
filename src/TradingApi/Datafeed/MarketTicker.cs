namespace TradingApi.Datafeed;

/// <summary>
/// One timer (period DATAFEED_INTERVAL_MS) for every datafeed subscription of the instance;
/// it runs only while someone listens, so an idle instance does no work.
/// </summary>
public sealed class MarketTicker(Hosting.ApiSettings settings, TimeProvider clock) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<Action<DateTimeOffset>> _listeners = [];
    private ITimer? _timer;

    public IDisposable Subscribe(Action<DateTimeOffset> onTick)
    {
        lock (_gate)
        {
            _listeners.Add(onTick);
            _timer ??= clock.CreateTimer(_ => Tick(), null, settings.DatafeedInterval, settings.DatafeedInterval);
        }

        return new Subscription(this, onTick);
    }

    private void Tick()
    {
        Action<DateTimeOffset>[] listeners;
        lock (_gate)
        {
            listeners = _listeners.ToArray();
        }

        var now = clock.GetUtcNow();
        foreach (var listener in listeners)
        {
            listener(now);
        }
    }

    private void Remove(Action<DateTimeOffset> onTick)
    {
        lock (_gate)
        {
            _listeners.Remove(onTick);
            if (_listeners.Count == 0)
            {
                _timer?.Dispose();
                _timer = null;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _listeners.Clear();
            _timer?.Dispose();
            _timer = null;
        }
    }

    private sealed class Subscription(MarketTicker ticker, Action<DateTimeOffset> onTick) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                ticker.Remove(onTick);
            }
        }
    }
}
