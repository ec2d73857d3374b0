namespace TradingApi.WebSockets;

/// <summary>Close codes the server uses; documented in docs/tradingapi.md.</summary>
public static class WsCloseCodes
{
    /// <summary>Echo of a client-initiated close.</summary>
    public const int Normal = 1000;

    /// <summary>The server is shutting down (SIGTERM).</summary>
    public const int GoingAway = 1001;

    /// <summary>A binary frame; the protocol is JSON text only.</summary>
    public const int UnsupportedData = 1003;

    /// <summary>A text message that is not a JSON object with a string <c>type</c>.</summary>
    public const int MalformedMessage = 1007;

    /// <summary>A message larger than <see cref="WsSession.MaxMessageBytes"/>.</summary>
    public const int MessageTooBig = 1009;

    /// <summary>No message from the client within WS_IDLE_TIMEOUT_SECONDS.</summary>
    public const int IdleTimeout = 4000;
}

/// <summary>The JSON envelope of every message, both directions.</summary>
public sealed record WsEnvelope(string Type, object? Payload);

public sealed record WsSubscribeResponse(bool Success, string? SubscriptionId, string Message);

public sealed record WsError(string Code, string Message);

public sealed record WsUpdate(string SubscriptionId, object Data);

public sealed record WsPong(DateTime Timestamp);
