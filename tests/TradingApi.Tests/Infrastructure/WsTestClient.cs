using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace TradingApi.Tests.Infrastructure;

/// <summary>A JSON-envelope WebSocket client for tests; every receive is bounded by the caller's token.</summary>
public sealed class WsTestClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();

    public WebSocketState State => _socket.State;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public static async Task<WsTestClient> ConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        var client = new WsTestClient();
        await client._socket.ConnectAsync(uri, cancellationToken);
        return client;
    }

    public Task SendAsync(string text, CancellationToken cancellationToken) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken);

    public Task SendAsync(string type, object? payload, CancellationToken cancellationToken) =>
        SendAsync(JsonSerializer.Serialize(new { type, payload }), cancellationToken);

    public Task SendBinaryAsync(byte[] data, CancellationToken cancellationToken) =>
        _socket.SendAsync(data, WebSocketMessageType.Binary, true, cancellationToken);

    /// <summary>The next envelope, or null when the server closed (see <see cref="CloseStatus"/>).</summary>
    public async Task<JsonElement?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cancellationToken);
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(message.ToArray()).RootElement.Clone();
            }
        }
    }

    /// <summary>Skips other messages (e.g. updates) until one of <paramref name="type"/> arrives.</summary>
    public async Task<JsonElement> ReceiveTypeAsync(string type, CancellationToken cancellationToken, List<JsonElement>? skipped = null)
    {
        while (true)
        {
            var message = await ReceiveAsync(cancellationToken)
                ?? throw new InvalidOperationException($"closed with {CloseStatus} while waiting for '{type}'");
            if (message.GetProperty("type").GetString() == type)
            {
                return message;
            }

            skipped?.Add(message);
        }
    }

    /// <summary>Reads until the server's close frame; returns the messages seen before it.</summary>
    public async Task<List<JsonElement>> ReceiveUntilClosedAsync(CancellationToken cancellationToken)
    {
        var seen = new List<JsonElement>();
        while (await ReceiveAsync(cancellationToken) is { } message)
        {
            seen.Add(message);
        }

        return seen;
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // the server is gone already; nothing to close
            }
        }

        _socket.Dispose();
    }
}
