using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Integration.Tests;

/// <summary>A client's WebSocket through a gateway: the upgrade, the instance that answered, a ping and its pong.</summary>
public static class WebSocketRoundTrip
{
    public static async Task AssertAsync(string url, string instance)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await socket.ConnectAsync(new Uri(url), cts.Token);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, socket.HttpStatusCode);
        Assert.Equal(instance, socket.HttpResponseHeaders!["X-Instance"].Single());
        await socket.SendAsync(Encoding.UTF8.GetBytes("""{"type":"ping"}"""), WebSocketMessageType.Text, true, cts.Token);
        var buffer = new byte[8192];
        var received = await socket.ReceiveAsync(buffer, cts.Token);
        using var message = JsonDocument.Parse(buffer.AsMemory(0, received.Count));
        Assert.Equal("pong", message.RootElement.GetProperty("type").GetString());
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cts.Token);
    }
}
