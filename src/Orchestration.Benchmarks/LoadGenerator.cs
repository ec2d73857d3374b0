using System.Diagnostics;
using System.Net.Sockets;

namespace Orchestration.Benchmarks;

/// <summary>What a steady load saw: requests, failures (non-2xx and connection errors) and the window they fell in.</summary>
public sealed record LoadResult(long Requests, long Non2xx, long Errors, TimeSpan? FirstFailure, TimeSpan? LastFailure, TimeSpan ActionTime)
{
    /// <summary>What the failures were ("HTTP 502", "timeout", the connection error), with counts.</summary>
    public IReadOnlyDictionary<string, long> Kinds { get; init; } = new Dictionary<string, long>();

    public string DescribeKinds() => string.Join(", ", Kinds.OrderByDescending(k => k.Value).Select(k => $"{k.Value}× {k.Key}"));

    public long Failed => Non2xx + Errors;

    /// <summary>
    /// Requests whose keepalive connection the gateway closed as they were sent (a graceful nginx
    /// reload closes its old workers' connections) and that succeeded when sent again at once on a
    /// new connection, as RFC 9112 §9.3.1 lets a client do and browsers do; not counted as failed.
    /// </summary>
    public long Retried { get; init; }

    /// <summary>Seconds from the first to the last failed request (0 for one failure), null when none failed.</summary>
    public double? OutageSeconds => FirstFailure is { } first && LastFailure is { } last ? (last - first).TotalSeconds : null;
}

/// <summary>
/// A steady closed-loop load on one URL (a few workers over keepalive connections) kept up while an
/// action runs, e.g. a Restart. A failed request costs a 10 ms pause so a refused connection does not
/// turn the load into a busy loop that starves the action on a small machine. A GET whose established
/// connection was reset or closed before any answer is sent once more at once, as browsers do (HTTP's
/// keepalive race, RFC 9112 §9.3.1; .NET's HttpClient retries the closed case itself but not a reset):
/// counted as retried, and as failed only when the retry fails too. A refused connection, a timeout or
/// an error status is never retried.
/// </summary>
/// <param name="url">What every worker GETs.</param>
/// <param name="workers">Concurrent closed loops.</param>
/// <param name="requestTimeout">An answer slower than this counts as a failure (default 2 s).</param>
public sealed class LoadGenerator(string url, int workers = 4, TimeSpan? requestTimeout = null)
{
    private readonly TimeSpan RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(2);

    public async Task<LoadResult> RunDuringAsync(Func<CancellationToken, Task> action, TimeSpan before, TimeSpan after, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { ConnectTimeout = RequestTimeout, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) };
        using var http = new HttpClient(handler) { Timeout = RequestTimeout };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clock = Stopwatch.StartNew();
        var counters = new Counters();
        var load = Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkAsync(http, counters, clock, stop.Token), CancellationToken.None)).ToList();
        TimeSpan actionTime;
        try
        {
            await Task.Delay(before, cancellationToken).ConfigureAwait(false);
            // The action must find the load flowing: on a busy machine the first answer may come after
            // `before`, so it gets a few seconds more (measured from here on all the same).
            for (var waited = 0; counters.Requests == 0 && waited < 50; waited++) await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            if (counters.Requests == 0) throw new BenchmarkException($"The load on {url} had no answer in {before.TotalSeconds + 5} s");
            var started = clock.Elapsed;
            await action(cancellationToken).ConfigureAwait(false);
            actionTime = clock.Elapsed - started;
            await Task.Delay(after, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(load).ConfigureAwait(false);
        }
        return new LoadResult(counters.Requests, counters.Non2xx, counters.Errors, counters.First, counters.Last, actionTime)
        {
            Kinds = counters.Kinds, Retried = Interlocked.Read(ref counters.Retried),
        };
    }

    private async Task WorkAsync(HttpClient http, Counters counters, Stopwatch clock, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            bool ok;
            try
            {
                using var response = await GetAsync(http, counters, stop).ConfigureAwait(false);
                if (stop.IsCancellationRequested) return;
                ok = response.IsSuccessStatusCode;
                counters.Count(ok ? Outcome.Ok : Outcome.Non2xx, clock.Elapsed, ok ? null : $"HTTP {(int)response.StatusCode}");
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                ok = false;
                counters.Count(Outcome.Error, clock.Elapsed, ex is TaskCanceledException ? $"no answer within {RequestTimeout.TotalSeconds:0} s" : (ex.InnerException ?? ex).Message);
            }
            if (!ok)
            {
                try
                {
                    await Task.Delay(10, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<HttpResponseMessage> GetAsync(HttpClient http, Counters counters, CancellationToken stop)
    {
        try
        {
            return await http.GetAsync(url, stop).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ClosedBeforeAnswer(ex) && !stop.IsCancellationRequested)
        {
            Interlocked.Increment(ref counters.Retried);
            return await http.GetAsync(url, stop).ConfigureAwait(false);
        }
    }

    /// <summary>An established connection reset, or closed with no answer: not a refused connect, a timeout or a status.</summary>
    private static bool ClosedBeforeAnswer(HttpRequestException ex) =>
        ex.HttpRequestError == HttpRequestError.ResponseEnded
        || ex.InnerException is IOException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionReset } };

    private enum Outcome
    {
        Ok,
        Non2xx,
        Error,
    }

    private sealed class Counters
    {
        private readonly Lock _lock = new();
        public long Requests;
        public long Non2xx;
        public long Errors;
        public long Retried;
        public TimeSpan? First;
        public TimeSpan? Last;
        public readonly Dictionary<string, long> Kinds = new(StringComparer.Ordinal);

        public void Count(Outcome outcome, TimeSpan at, string? kind = null)
        {
            lock (_lock)
            {
                Requests++;
                if (outcome == Outcome.Ok) return;
                if (kind is not null) Kinds[kind] = Kinds.GetValueOrDefault(kind) + 1;
                if (outcome == Outcome.Non2xx) Non2xx++;
                else Errors++;
                First ??= at;
                Last = at;
            }
        }
    }
}
