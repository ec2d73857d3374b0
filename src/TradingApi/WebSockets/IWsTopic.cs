using System.Text.Json;

namespace TradingApi.WebSockets;

/// <summary>
/// A route a client can subscribe to over a module's WebSocket (<c>bars</c>, <c>orders</c>, ...).
/// The shared session answers <c>{Route}.subscribe</c>/<c>.unsubscribe</c> and relays what the
/// topic posts to the sink as <c>{Route}.update</c>.
/// </summary>
public interface IWsTopic
{
    string Route { get; }

    /// <summary>Type of an update's <c>data</c> (its JSON schema goes into the AsyncAPI document).</summary>
    Type DataType { get; }

    /// <summary>JSON schema of the subscribe/unsubscribe payload, for the AsyncAPI document.</summary>
    string SubscribePayloadSchema { get; }

    /// <summary>Validates a subscribe/unsubscribe payload (may be Undefined when absent).</summary>
    WsTopicRequest Parse(JsonElement payload);

    /// <summary>
    /// Starts posting updates for a valid request to <paramref name="sink"/> under
    /// <paramref name="subscriptionId"/>; disposing the result stops them.
    /// </summary>
    IDisposable Subscribe(string subscriptionId, WsTopicRequest request, IWsSink sink);
}

/// <summary>
/// A parsed subscription: <see cref="Key"/> identifies it (same payload, same key), or
/// <see cref="Error"/> names the offending field.
/// </summary>
public sealed record WsTopicRequest(string? Key, object? Arguments, string? Error)
{
    public static WsTopicRequest Ok(string key, object? arguments = null) => new(key, arguments, null);

    public static WsTopicRequest Invalid(string error) => new(null, null, error);
}

/// <summary>Where a topic posts updates; never blocks (a slow client loses its oldest updates).</summary>
public interface IWsSink
{
    void PostUpdate(string route, string subscriptionId, object data);
}

/// <summary>Payload reading helpers shared by the topics.</summary>
public static class WsPayload
{
    public static string? GetString(JsonElement payload, string name) =>
        payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;

    public static IReadOnlyList<string>? GetStrings(JsonElement payload, string name)
    {
        if (payload.ValueKind != JsonValueKind.Object || !payload.TryGetProperty(name, out var v))
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            JsonValueKind.Array when v.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
                v.EnumerateArray().Select(e => e.GetString()!).ToArray(),
            _ => null,
        };
    }
}
