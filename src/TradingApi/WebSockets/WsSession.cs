using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;

namespace TradingApi.WebSockets;

/// <summary>
/// One WebSocket connection: a receive loop that dispatches envelopes, a single writer that owns
/// every send (so updates, responses and the close frame never interleave), an idle watchdog and
/// the close handshake. Shared by every module; topics plug in through <see cref="IWsTopic"/>.
/// </summary>
public sealed class WsSession : IWsSink
{
    public const int MaxMessageBytes = 64 * 1024;
    private const int OutboxCapacity = 1024;
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(1);
    // A client that answers the close at once costs nothing of it; one on a busy machine may take more than
    // 100 ms, and dropping the connection before its close arrives resets it, which can discard the close
    // frame still unread on the client's side. The host's ShutdownTimeout (1 s) bounds it all.
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromMilliseconds(500);

    private readonly WebSocket _socket;
    private readonly IReadOnlyDictionary<string, IWsTopic> _topics;
    private readonly TimeSpan _idleTimeout;
    private readonly JsonTypeInfo<WsEnvelope> _json;
    private readonly ILogger _log;
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, IDisposable> _subscriptions = new(StringComparer.Ordinal);
    private readonly Channel<byte[]> _outbox = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(OutboxCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly CancellationTokenSource _closeRequested = new();
    private readonly Timer _idleTimer;
    private Timer? _abortTimer;
    private int _closing;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string _closeReason = "";
    private TimeSpan _closeGrace = CloseGrace;

    public WsSession(WebSocket socket, IEnumerable<IWsTopic> topics, TimeSpan idleTimeout,
        JsonSerializerOptions json, ILogger log, TimeProvider clock)
    {
        _socket = socket;
        _topics = topics.ToDictionary(t => t.Route, StringComparer.Ordinal);
        _idleTimeout = idleTimeout;
        _json = (JsonTypeInfo<WsEnvelope>)json.GetTypeInfo(typeof(WsEnvelope));
        _log = log;
        _clock = clock;
        _idleTimer = new Timer(_ => OnIdle(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Close code sent to the client, once the session has ended.</summary>
    public int CloseCode => (int)_closeStatus;

    /// <summary>Runs until the connection is closed; <paramref name="stopping"/> closes it with 1001.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        _idleTimer.Change(_idleTimeout, Timeout.InfiniteTimeSpan);
        var writer = Task.Run(WriteLoopAsync, CancellationToken.None);
        await using (stopping.Register(() => RequestClose(WebSocketCloseStatus.EndpointUnavailable, "server shutting down", ShutdownGrace)))
        {
            try
            {
                await ReceiveLoopAsync();
            }
            finally
            {
                RequestClose(WebSocketCloseStatus.NormalClosure, "", CloseGrace);
                await _idleTimer.DisposeAsync();
                foreach (var subscription in _subscriptions.Values)
                {
                    subscription.Dispose();
                }

                _subscriptions.Clear();
                await writer;
                if (_abortTimer is not null)
                {
                    await _abortTimer.DisposeAsync();
                }
            }
        }
    }

    public void PostUpdate(string route, string subscriptionId, object data) =>
        Post($"{route}.update", new WsUpdate(subscriptionId, data));

    private void Post(string type, object? payload) =>
        _outbox.Writer.TryWrite(JsonSerializer.SerializeToUtf8Bytes(new WsEnvelope(type, payload), _json));

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[4096];
        var message = new ArrayBufferWriter<byte>();
        while (true)
        {
            ValueWebSocketReceiveResult result;
            try
            {
                result = await _socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The client vanished without a close frame, or we aborted after the close grace.
                return;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                RequestClose(_socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, "", CloseGrace);
                return;
            }

            if (Volatile.Read(ref _closing) == 1)
            {
                continue; // closing: ignore data until the client's close frame or the grace ends
            }

            _idleTimer.Change(_idleTimeout, Timeout.InfiniteTimeSpan);
            if (result.MessageType == WebSocketMessageType.Binary)
            {
                Fail(WebSocketCloseStatus.InvalidMessageType, "unsupported_data", "binary frames are not supported; send JSON text");
                continue;
            }

            message.Write(buffer.AsSpan(0, result.Count));
            if (message.WrittenCount > MaxMessageBytes)
            {
                Fail(WebSocketCloseStatus.MessageTooBig, "message_too_big", $"messages are limited to {MaxMessageBytes} bytes");
                continue;
            }

            if (result.EndOfMessage)
            {
                Handle(message.WrittenMemory);
                message.ResetWrittenCount();
            }
        }
    }

    private void Handle(ReadOnlyMemory<byte> bytes)
    {
        string type;
        JsonElement payload;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement) ||
                typeElement.ValueKind != JsonValueKind.String)
            {
                Fail(WebSocketCloseStatus.InvalidPayloadData, "malformed_message",
                    "a message must be a JSON object with a string field 'type', e.g. {\"type\":\"ping\"}");
                return;
            }

            type = typeElement.GetString()!;
            payload = root.TryGetProperty("payload", out var p) ? p.Clone() : default;
        }
        catch (JsonException ex)
        {
            Fail(WebSocketCloseStatus.InvalidPayloadData, "malformed_message", $"message is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine})");
            return;
        }

        Dispatch(type, payload);
    }

    private void Dispatch(string type, JsonElement payload)
    {
        if (type == "ping")
        {
            Post("pong", new WsPong(_clock.GetUtcNow().UtcDateTime));
            return;
        }

        var dot = type.LastIndexOf('.');
        var route = dot > 0 ? type[..dot] : "";
        var action = dot > 0 ? type[(dot + 1)..] : "";
        if (!_topics.TryGetValue(route, out var topic) || action is not ("subscribe" or "unsubscribe"))
        {
            var valid = _topics.Keys.SelectMany(r => new[] { $"{r}.subscribe", $"{r}.unsubscribe" }).Prepend("ping");
            Post("error", new WsError("unknown_type", $"unknown message type '{type}'. Valid types: {string.Join(", ", valid)}"));
            return;
        }

        var request = topic.Parse(payload);
        var responseType = $"{type}.response";
        if (request.Error is not null)
        {
            Post(responseType, new WsSubscribeResponse(false, null, request.Error));
            return;
        }

        var id = $"{route}:{request.Key}";
        if (action == "subscribe")
        {
            var fresh = !_subscriptions.ContainsKey(id);
            Post(responseType, new WsSubscribeResponse(true, id, fresh ? $"subscribed to {id}" : $"already subscribed to {id}"));
            if (fresh)
            {
                var gate = new WsSubscriptionGate(this);
                gate.Attach(topic.Subscribe(id, request, gate));
                _subscriptions[id] = gate;
            }
        }
        else if (_subscriptions.Remove(id, out var subscription))
        {
            subscription.Dispose();
            Post(responseType, new WsSubscribeResponse(true, id, $"unsubscribed from {id}"));
        }
        else
        {
            Post(responseType, new WsSubscribeResponse(false, id, $"not subscribed to {id}"));
        }
    }

    private void OnIdle()
    {
        Post("error", new WsError("idle_timeout",
            $"no message within {_idleTimeout.TotalSeconds:0.###} s; send {{\"type\":\"ping\"}} to stay connected"));
        RequestClose((WebSocketCloseStatus)WsCloseCodes.IdleTimeout, "idle timeout", CloseGrace);
    }

    private void Fail(WebSocketCloseStatus status, string code, string message)
    {
        _log.LogWarning("WebSocket protocol error {Code}: {Message}; closing with {CloseCode}", code, message, (int)status);
        Post("error", new WsError(code, message));
        RequestClose(status, code, CloseGrace);
    }

    /// <summary>First caller wins: queued messages are flushed, then the close frame is sent.</summary>
    private void RequestClose(WebSocketCloseStatus status, string reason, TimeSpan grace)
    {
        if (Interlocked.Exchange(ref _closing, 1) == 1)
        {
            return;
        }

        _closeStatus = status;
        _closeReason = reason;
        _closeGrace = grace;
        _closeRequested.Cancel();
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            try
            {
                while (await _outbox.Reader.WaitToReadAsync(_closeRequested.Token))
                {
                    while (_outbox.Reader.TryRead(out var item))
                    {
                        await SendAsync(item);
                    }
                }
            }
            catch (OperationCanceledException) when (_closeRequested.IsCancellationRequested)
            {
                // close requested: flush what is queued (an error explaining the close), then close
            }

            while (_outbox.Reader.TryRead(out var item))
            {
                await SendAsync(item);
            }

            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(SendTimeout);
                await _socket.CloseOutputAsync(_closeStatus, _closeReason, timeout.Token);
            }

            // Wait briefly for the client's close frame, then drop the connection.
            _abortTimer = new Timer(_ => _socket.Abort(), null, _closeGrace, Timeout.InfiniteTimeSpan);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            _socket.Abort(); // client gone or not reading within the send timeout
        }
    }

    private async Task SendAsync(byte[] item)
    {
        using var timeout = new CancellationTokenSource(SendTimeout);
        await _socket.SendAsync(item, WebSocketMessageType.Text, true, timeout.Token);
    }
}
