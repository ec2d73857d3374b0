using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Nginx;

/// <summary>Through a real nginx running our config, to real backends.</summary>
[Trait("Category", "Integration")]
public sealed class GatewayTests
{
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private static async Task<JsonElement> GetJsonAsync(Gateway gateway, string path)
    {
        using var response = await gateway.Http.GetAsync(gateway.Url(path));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact(Timeout = 60_000)]
    public async Task REST_reaches_the_server_that_hosts_each_module_with_the_proxy_headers()
    {
        await using var gateway = await Gateway.StartAsync("path", Timeout);
        await gateway.CheckAsync(async () =>
        {
            foreach (var (module, server) in new[] { ("core", "broker"), ("broker", "broker"), ("datafeed", "datafeed") })
            {
                var reply = await GetJsonAsync(gateway, $"/api/v1/{module}/orders/7?x=1");
                Assert.Equal(server, reply.GetProperty("server").GetString());
                Assert.Equal($"/api/v1/{module}/orders/7?x=1", reply.GetProperty("path").GetString());
                var headers = reply.GetProperty("headers");
                Assert.Equal("127.0.0.1", headers.GetProperty("x-real-ip").GetString());
                Assert.Equal("127.0.0.1", headers.GetProperty("x-forwarded-for").GetString());
                Assert.Equal("http", headers.GetProperty("x-forwarded-proto").GetString());
                Assert.Matches("^[0-9a-f]{32}$", headers.GetProperty("x-request-id").GetString());
            }
            var health = await GetJsonAsync(gateway, "/api/v1/core/health");
            Assert.Equal("/api/v1/core/health", health.GetProperty("path").GetString());
            // nginx flushes the buffered access log within 250 ms (NginxFiles.FollowedBuffer).
            var clock = Stopwatch.StartNew();
            while (!(await File.ReadAllTextAsync(gateway.Config.Paths.NginxAccessLog)).Contains("upstream=127.0.0.1:", StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(2))
                await Task.Delay(50);
            Assert.Contains("upstream=127.0.0.1:", await File.ReadAllTextAsync(gateway.Config.Paths.NginxAccessLog));
        });
    }

    [Fact(Timeout = 60_000)]
    public async Task A_caller_request_id_is_kept_and_the_root_redirects_to_the_docs()
    {
        await using var gateway = await Gateway.StartAsync("path", Timeout);
        await gateway.CheckAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, gateway.Url("/api/v1/broker/x"));
            request.Headers.Add("X-Request-ID", "abc-123");
            using var response = await gateway.Http.SendAsync(request);
            var reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("abc-123", reply.GetProperty("headers").GetProperty("x-request-id").GetString());

            using var root = await gateway.Http.GetAsync(gateway.Url("/"));
            Assert.Equal(HttpStatusCode.Found, root.StatusCode);
            Assert.Equal("/api/v1/core/docs", root.Headers.Location?.OriginalString);

            using var unknown = await gateway.Http.GetAsync(gateway.Url("/elsewhere"));
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        });
    }

    [Theory(Timeout = 60_000)]
    [InlineData("path", "/api/v1/broker/ws", "broker-", "/api/v1/broker/ws")]
    [InlineData("path", "/api/v1/datafeed/ws", "datafeed-0", "/api/v1/datafeed/ws")]
    [InlineData("query_param", "/api/v1/ws?type=broker", "broker-", "/api/v1/broker/ws?type=broker")]
    [InlineData("query_param", "/api/v1/ws?type=datafeed", "datafeed-0", "/api/v1/datafeed/ws?type=datafeed")]
    public async Task A_websocket_upgrades_and_a_message_round_trips(string strategy, string path, string instance, string backendPath)
    {
        await using var gateway = await Gateway.StartAsync(strategy, Timeout);
        await gateway.CheckAsync(async () =>
        {
            using var socket = new ClientWebSocket();
            socket.Options.CollectHttpResponseDetails = true;
            await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{gateway.Config.Nginx.Port}{path}"), Timeout);
            Assert.Equal(HttpStatusCode.SwitchingProtocols, socket.HttpStatusCode);

            await socket.SendAsync(Encoding.UTF8.GetBytes("ping 42"), WebSocketMessageType.Text, true, Timeout);
            var buffer = new byte[4096];
            var received = await socket.ReceiveAsync(buffer, Timeout);
            var reply = Encoding.UTF8.GetString(buffer, 0, received.Count).Split('|');

            Assert.StartsWith(instance, reply[0]);
            Assert.Equal(backendPath, reply[1]);
            Assert.Equal("ping 42", reply[2]);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", Timeout);
        });
    }

    [Theory(Timeout = 60_000)]
    [InlineData("/api/v1/ws?type=nope")]
    [InlineData("/api/v1/ws")]
    [InlineData("/api/v1/ws?other=broker")]
    public async Task An_unknown_or_missing_route_gets_400_with_a_reason(string path)
    {
        await using var gateway = await Gateway.StartAsync("query_param", Timeout);
        await gateway.CheckAsync(async () =>
        {
            using var response = await gateway.Http.GetAsync(gateway.Url(path));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("unknown or missing query parameter 'type'; use one of: broker, datafeed\n", await response.Content.ReadAsStringAsync());

            using var socket = new ClientWebSocket();
            socket.Options.CollectHttpResponseDetails = true;
            await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri($"ws://127.0.0.1:{gateway.Config.Nginx.Port}{path}"), Timeout));
            Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
        });
    }

    [Fact(Timeout = 60_000)]
    public async Task With_one_of_two_instances_stopped_100_requests_in_a_row_succeed()
    {
        await using var gateway = await Gateway.StartAsync("path", Timeout);
        await gateway.CheckAsync(async () =>
        {
            var seen = new HashSet<string>();
            for (var i = 0; i < 10; i++) seen.Add((await GetJsonAsync(gateway, "/api/v1/broker/warm")).GetProperty("instance").GetString()!);
            Assert.Equal(["broker-0", "broker-1"], seen.Order());

            await gateway.Backends.Single(b => b.Instance == "broker-1").StopAsync();

            for (var i = 0; i < 100; i++)
            {
                var reply = await GetJsonAsync(gateway, $"/api/v1/broker/n/{i}");
                Assert.Equal("broker-0", reply.GetProperty("instance").GetString());
            }
        });
    }
}
