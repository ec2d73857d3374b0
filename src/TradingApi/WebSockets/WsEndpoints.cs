using Microsoft.AspNetCore.Connections.Features;
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
                await session.RunAsync(ClosingSignal(context, lifetime));
                log.LogInformation("WebSocket closed with {CloseCode} ({Connection})", session.CloseCode, context.Connection.Id);
                return Results.Empty;
            })
            .WithName($"{moduleName}_ws")
            .WithSummary($"WebSocket of the {moduleName} module (JSON envelope {{type, payload}}); see docs/tradingapi.md");
    }

    /// <summary>
    /// When a session closes with 1001 as the program stops: once Kestrel has stopped accepting and asks
    /// each connection to close, not at <see cref="IHostApplicationLifetime.ApplicationStopping"/>, which
    /// comes first. A client that reconnects at once must not land on this stopping program: with its
    /// listening socket handed to a replacement, the two accept from one queue until this one unbinds.
    /// Servers without the notification (the test host) fall back to ApplicationStopping.
    /// </summary>
    private static CancellationToken ClosingSignal(HttpContext context, IHostApplicationLifetime lifetime)
    {
        var closing = context.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested;
        return closing is { CanBeCanceled: true } token ? token : lifetime.ApplicationStopping;
    }
}

/// <summary>The topics one module serves over its WebSocket; registered as a singleton.</summary>
public interface IWsTopicSet
{
    IReadOnlyList<IWsTopic> Topics { get; }
}
