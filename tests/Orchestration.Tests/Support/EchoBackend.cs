using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Orchestration.Tests.Support;

/// <summary>
/// A tiny Kestrel backend standing in for one instance: every request is answered with
/// <c>{server, instance, path, headers}</c>; a WebSocket echoes each message as <c>instance|path|text</c>.
/// </summary>
public sealed class EchoBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoBackend(WebApplication app, string instance) => (_app, Instance) = (app, instance);

    public string Instance { get; }
    public bool Running { get; private set; }

    public static async Task<EchoBackend> StartAsync(string server, int index, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var instance = $"{server}-{index}";
        app.UseWebSockets();
        app.Run(context => context.WebSockets.IsWebSocketRequest ? EchoAsync(context, instance) : DescribeAsync(context, server, instance));
        var backend = new EchoBackend(app, instance);
        await app.StartAsync();
        backend.Running = true;
        return backend;
    }

    private static Task DescribeAsync(HttpContext context, string server, string instance)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["server"] = server,
            ["instance"] = instance,
            ["path"] = context.Request.Path.Value + context.Request.QueryString.Value,
            ["headers"] = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
        });
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body);
    }

    private static async Task EchoAsync(HttpContext context, string instance)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[4096];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", context.RequestAborted);
                return;
            }
            var reply = $"{instance}|{context.Request.Path}{context.Request.QueryString}|{Encoding.UTF8.GetString(buffer, 0, received.Count)}";
            await socket.SendAsync(Encoding.UTF8.GetBytes(reply), WebSocketMessageType.Text, true, context.RequestAborted);
        }
    }

    public async Task StopAsync()
    {
        if (!Running) return;
        Running = false;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }
}
