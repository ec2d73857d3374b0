using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using TradingApi.Hosting;

namespace TradingApi.WebSockets;

public static class WsEndpoints
{
    /// <summary>
    /// Maps <c>{group}/ws</c>: accepts the upgrade and runs a <see cref="WsSession"/> over the
    /// topics <typeparamref name="TTopics"/> provides. A plain HTTP GET gets 400 with a hint.
    /// </summary>
    public static void MapWsTopics<TTopics>(this RouteGroupBuilder group, string moduleName)
        where TTopics : IWsTopicSet
    {
        group.MapGet("/ws", async (HttpContext context, ApiSettings settings,
                IHostApplicationLifetime lifetime, IOptions<JsonOptions> json, ILoggerFactory loggers, TimeProvider clock) =>
            {
                if (!context.WebSockets.IsWebSocketRequest)
                {
                    return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "WebSocket endpoint",
                        detail: $"{context.Request.Path} speaks WebSocket only; connect with a WebSocket client (Upgrade: websocket).");
                }

                var log = loggers.CreateLogger($"TradingApi.{moduleName}.ws");
                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                var topics = context.RequestServices.GetRequiredService<TTopics>().Topics;
                var session = new WsSession(socket, topics, settings.WsIdleTimeout, json.Value.SerializerOptions, log, clock);
                log.LogInformation("WebSocket connected from {Remote} ({Connection})",
                    context.Connection.RemoteIpAddress, context.Connection.Id);
                await session.RunAsync(lifetime.ApplicationStopping);
                log.LogInformation("WebSocket closed with {CloseCode} ({Connection})", session.CloseCode, context.Connection.Id);
                return Results.Empty;
            })
            .WithName($"{moduleName}_ws")
            .WithSummary($"WebSocket of the {moduleName} module (JSON envelope {{type, payload}}); see docs/tradingapi.md");
    }
}

/// <summary>The topics one module serves over its WebSocket; registered as a singleton.</summary>
public interface IWsTopicSet
{
    IReadOnlyList<IWsTopic> Topics { get; }
}
