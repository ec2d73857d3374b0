using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using TradingApi.Hosting;

namespace TradingApi.WebSockets;

/// <summary>
/// The AsyncAPI 3.0 document of the enabled modules' WebSockets: one channel per streaming module
/// (<c>{base}/{module}/ws</c>), the envelope <c>{type, payload}</c> of every message both ways, and
/// the subscribe/unsubscribe/update protocol of each route. Payload schemas come from the same
/// source-generated JSON metadata the sockets write with, so the document cannot drift from them.
/// </summary>
public static class AsyncApiDocument
{
    public static JsonObject Build(ApiSettings settings, IServiceProvider services, JsonSerializerOptions json)
    {
        var channels = new JsonObject();
        var operations = new JsonObject();
        var messages = new JsonObject
        {
            ["ping"] = Message("ping", "Heartbeat from the client; any message resets the idle timer", null, fromServer: false),
            ["pong"] = Message("pong", "Answer to ping", Schema<WsPong>(json)),
            ["error"] = Message("error", "A message the server could not handle; the connection stays open unless a close follows", Schema<WsError>(json)),
        };
        foreach (var module in settings.Modules.Select(ModuleCatalog.Get))
        {
            var topics = module.WsTopics(services);
            if (topics.Count == 0) continue;
            var name = module.Name;
            var channelMessages = new JsonObject
            {
                ["ping"] = Ref("#/components/messages/ping"),
                ["pong"] = Ref("#/components/messages/pong"),
                ["error"] = Ref("#/components/messages/error"),
            };
            operations[$"{name}_ping"] = Operation("send", name, "ping", "pong", "Keep the connection alive (at least every WS_IDLE_TIMEOUT_SECONDS)");
            operations[$"{name}_error"] = Operation("receive", name, "error", null, "An error message from the server");
            foreach (var topic in topics)
            {
                var route = topic.Route;
                var payload = JsonNode.Parse(topic.SubscribePayloadSchema)!;
                var response = Schema<WsSubscribeResponse>(json);
                var update = new JsonObject
                {
                    ["type"] = "object",
                    ["required"] = new JsonArray("subscription_id", "data"),
                    ["properties"] = new JsonObject
                    {
                        ["subscription_id"] = new JsonObject { ["type"] = "string" },
                        ["data"] = json.GetTypeInfo(topic.DataType).GetJsonSchemaAsNode(ExporterOptions),
                    },
                };
                foreach (var (kind, schema, summary) in new (string, JsonNode?, string)[]
                         {
                             ("subscribe", payload, $"Subscribe to {route}"),
                             ("subscribe.response", response, $"Answer to {route}.subscribe (success or the reason)"),
                             ("unsubscribe", payload.DeepClone(), $"Unsubscribe from {route} (same payload as subscribe)"),
                             ("unsubscribe.response", response.DeepClone(), $"Answer to {route}.unsubscribe"),
                             ("update", update, $"A {route} update pushed to its subscribers"),
                         })
                {
                    var key = $"{name}_{route}_{kind.Replace('.', '_')}";
                    messages[key] = Message($"{route}.{kind}", summary, schema, fromServer: !kind.EndsWith("subscribe", StringComparison.Ordinal));
                    channelMessages[key] = Ref($"#/components/messages/{key}");
                }
                operations[$"{name}_{route}_subscribe"] = Operation("send", name, $"{name}_{route}_subscribe", $"{name}_{route}_subscribe_response", $"Subscribe to {route} updates");
                operations[$"{name}_{route}_unsubscribe"] = Operation("send", name, $"{name}_{route}_unsubscribe", $"{name}_{route}_unsubscribe_response", $"Stop {route} updates");
                operations[$"{name}_{route}_update"] = Operation("receive", name, $"{name}_{route}_update", null, $"{route} updates");
            }
            channels[name] = new JsonObject
            {
                ["address"] = $"{settings.BaseUrl}/{name}/ws",
                ["title"] = $"{name} WebSocket",
                ["description"] = "Text frames, one JSON envelope {\"type\", \"payload\"} per message both ways. Close codes: 1000 echo, 1001 shutdown, " +
                                  "1003 binary frame, 1007 malformed message, 1009 message over 64 KiB, 4000 heartbeat timeout.",
                ["messages"] = channelMessages,
            };
        }
        return new JsonObject
        {
            ["asyncapi"] = "3.0.0",
            ["info"] = new JsonObject
            {
                ["title"] = "TradingApi WebSockets",
                ["version"] = settings.ApiVersion,
                ["description"] = "Subscribe with <route>.subscribe, receive <route>.update until <route>.unsubscribe; see docs/tradingapi.md.",
            },
            ["defaultContentType"] = "application/json",
            ["channels"] = channels,
            ["operations"] = operations,
            ["components"] = new JsonObject { ["messages"] = messages },
        };
    }

    private static readonly JsonSchemaExporterOptions ExporterOptions = new() { TreatNullObliviousAsNonNullable = true, TransformSchemaNode = NumbersAsNumbers };

    /// <summary>As the OpenAPI document (<see cref="OpenApiNumbers"/>): numbers are written as numbers, so the schema says number.</summary>
    private static JsonNode NumbersAsNumbers(JsonSchemaExporterContext context, JsonNode schema)
    {
        if (schema is JsonObject node && node["type"] is JsonArray types &&
            types.Any(t => t?.GetValue<string>() is "number" or "integer") && types.Any(t => t?.GetValue<string>() == "string"))
        {
            var kept = types.Select(t => t!.GetValue<string>()).Where(t => t != "string").ToArray();
            node["type"] = kept.Length == 1 ? JsonValue.Create(kept[0]) : new JsonArray(kept.Select(k => (JsonNode)JsonValue.Create(k)!).ToArray());
            node.Remove("pattern");
        }
        // As OpenApiNumbers: a nullable member is omitted when null, so it is not required.
        if (schema is JsonObject obj && obj["required"] is JsonArray required && obj["properties"] is JsonObject properties)
        {
            foreach (var name in required.Select(r => r!.GetValue<string>()).ToList())
                if (properties[name]?["type"] is JsonArray kinds && kinds.Any(k => k?.GetValue<string>() == "null"))
                    required.Remove(required.First(r => r!.GetValue<string>() == name));
            if (required.Count == 0) obj.Remove("required");
        }
        return schema;
    }

    private static JsonNode Schema<T>(JsonSerializerOptions json) => json.GetTypeInfo(typeof(T)).GetJsonSchemaAsNode(ExporterOptions);

    private static JsonObject Ref(string path) => new() { ["$ref"] = path };

    /// <summary>A message: the envelope with <c>type</c> fixed and <paramref name="payload"/> (none for ping).</summary>
    private static JsonObject Message(string type, string summary, JsonNode? payload, bool fromServer = true)
    {
        var properties = new JsonObject { ["type"] = new JsonObject { ["type"] = "string", ["const"] = type } };
        if (payload is not null) properties["payload"] = payload;
        return new JsonObject
        {
            ["name"] = type,
            ["summary"] = summary,
            ["payload"] = new JsonObject
            {
                ["type"] = "object",
                // A client may leave the payload out where none is needed (ping, broker subscriptions).
                ["required"] = payload is null || !fromServer ? new JsonArray("type") : new JsonArray("type", "payload"),
                ["properties"] = properties,
            },
        };
    }

    private static JsonObject Operation(string action, string channel, string message, string? reply, string summary)
    {
        var operation = new JsonObject
        {
            ["action"] = action,
            ["channel"] = Ref($"#/channels/{channel}"),
            ["summary"] = summary,
            ["messages"] = new JsonArray(Ref($"#/channels/{channel}/messages/{message}")),
        };
        if (reply is not null)
        {
            operation["reply"] = new JsonObject
            {
                ["channel"] = Ref($"#/channels/{channel}"),
                ["messages"] = new JsonArray(Ref($"#/channels/{channel}/messages/{reply}")),
            };
        }
        return operation;
    }
}
