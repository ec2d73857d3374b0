using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Integration.Tests;

/// <summary>What a client sees through the gateway of a started stack: REST and WebSocket, both strategies.</summary>
public sealed class GatewayTests
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };

    [Theory]
    [InlineData("path", "/api/v1/datafeed/ws", "datafeed-0")]
    [InlineData("path", "/api/v1/broker/ws", "broker-0")]
    [InlineData("query_param", "/api/v1/ws?type=datafeed", "datafeed-0")]
    [InlineData("query_param", "/api/v1/ws?type=broker", "broker-0")]
    public async Task A_WebSocket_through_the_gateway_reaches_the_right_server_and_round_trips(string strategy, string path, string instance)
    {
        await using var stack = new TestStack(p => Configs.Default(p, strategy: strategy));
        await stack.RunOkAsync("Start");

        await WebSocketRoundTrip.AssertAsync($"ws://127.0.0.1:{stack.Ports.Gateway}{path}", instance);
    }

    [Fact]
    public async Task An_unknown_query_param_route_gets_400_with_a_reason_not_502()
    {
        await using var stack = new TestStack(p => Configs.Default(p, strategy: "query_param"));
        await stack.RunOkAsync("Start");

        var unknown = await Http.GetAsync($"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/ws?type=nope");
        var missing = await Http.GetAsync($"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/ws");

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(await unknown.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task REST_through_the_gateway_reaches_the_module_of_each_server()
    {
        await using var stack = new TestStack(p => Configs.Default(p));
        await stack.RunOkAsync("Start");
        var gateway = $"http://127.0.0.1:{stack.Ports.Gateway}";

        foreach (var (module, instance) in new[] { ("core", "broker-0"), ("broker", "broker-0"), ("datafeed", "datafeed-0") })
        {
            var response = await Http.GetAsync($"{gateway}/api/v1/{module}/health");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(instance, response.Headers.GetValues("X-Instance").Single());
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("ok", body.RootElement.GetProperty("status").GetString());
            Assert.Equal(module, body.RootElement.GetProperty("module_name").GetString());
        }
        var root = await new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }).GetAsync($"{gateway}/");
        Assert.Equal("/api/v1/core/docs", root.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Requests_keep_succeeding_while_one_of_two_instances_restarts()
    {
        await using var stack = new TestStack(p => Configs.Default(p, brokerInstances: 2));
        await stack.RunOkAsync("Start");
        var broker1 = stack.State!.Processes.Single(p => p.Name == "broker-1");
        Orchestration.Processes.Posix.KillGroup(broker1.ProcessGroup, Orchestration.Processes.Posix.SIGKILL);

        var failures = 0;
        for (var i = 0; i < 100; i++)
        {
            var response = await Http.GetAsync($"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/broker/health");
            if (response.StatusCode != HttpStatusCode.OK) failures++;
        }
        Assert.Equal(0, failures);
    }
}
