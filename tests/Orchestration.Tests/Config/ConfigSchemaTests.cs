using Orchestration.Config;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Config;

/// <summary>The guide's schema cases.</summary>
public sealed class ConfigSchemaTests
{
    [Fact]
    public void A_valid_config_loads_with_every_field()
    {
        var config = Yaml.Valid("""
            api_base_url: /api/v2
            nginx:
              port: 9000
              worker_processes: 4
              worker_connections: 2048
            servers:
              broker:
                port: 9001
                instances: 2
                modules: [core, broker]
                reload: false
            websocket:
              routing_strategy: query_param
              query_param_name: kind
            websocket_routes:
              broker: broker
            """);
        Assert.Equal("/api/v2", config.ApiBaseUrl);
        Assert.Equal(9000, config.Nginx.Port);
        Assert.Equal("4", config.Nginx.WorkerProcesses);
        Assert.Equal(2048, config.Nginx.WorkerConnections);
        var broker = Assert.Single(config.Servers);
        Assert.Equal(("broker", 9001, 2, false), (broker.Name, broker.Port, broker.Instances, broker.Reload));
        Assert.Equal(["core", "broker"], broker.Modules);
        Assert.Equal(RoutingStrategy.QueryParam, config.WebSocket.RoutingStrategy);
        Assert.Equal("kind", config.WebSocket.QueryParamName);
        Assert.Equal([new WebSocketRoute("broker", "broker")], config.WebSocketRoutes);
    }

    [Fact]
    public void Auto_worker_processes_is_kept_as_text()
    {
        var config = Yaml.Valid("nginx: {port: 8000, worker_processes: auto}\nservers: {a: {port: 8001}}");
        Assert.Equal("auto", config.Nginx.WorkerProcesses);
    }

    [Theory]
    [InlineData(1023)]
    [InlineData(65536)]
    [InlineData(0)]
    [InlineData(-1)]
    public void Ports_outside_1024_to_65535_are_rejected(int port)
    {
        var error = Yaml.SingleError($"servers:\n  a:\n    port: {port}\n", "servers.a.port");
        Assert.Equal($"deploy.yaml:3:11: servers.a.port: {port} is not a valid port. Fix: use a port between 1024 and 65535.", error.ToString());
        Assert.Equal(port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Value);
    }

    [Fact]
    public void Nginx_port_outside_range_is_rejected()
    {
        Yaml.SingleError("nginx: {port: 80}\nservers: {a: {port: 8001}}", "nginx.port");
    }

    [Theory]
    [InlineData("many", "is neither a number nor auto")]
    [InlineData("0", "is not a valid number of workers")]
    [InlineData("-2", "is not a valid number of workers")]
    public void Bad_and_zero_worker_processes_are_rejected(string value, string message)
    {
        var error = Yaml.SingleError($"nginx: {{worker_processes: {value}}}\nservers: {{a: {{port: 8001}}}}", "nginx.worker_processes");
        Assert.Contains(message, error.Message);
        Assert.Contains("auto", error.Fix);
    }

    [Fact]
    public void Zero_instances_are_rejected()
    {
        var error = Yaml.SingleError("servers:\n  a:\n    port: 8001\n    instances: 0\n", "servers.a.instances");
        Assert.Equal(4, error.Line);
        Assert.Contains("at least 1", error.Fix);
    }

    [Fact]
    public void Defaults_apply_when_fields_are_left_out()
    {
        var config = Yaml.Valid("servers:\n  a:\n    port: 8001\n");
        Assert.Equal("/api/v1", config.ApiBaseUrl);
        Assert.Equal(new NginxSettings { Port = 8000, Listen = "127.0.0.1", WorkerProcesses = "1", WorkerConnections = 1024 }, config.Nginx);
        Assert.Equal(RoutingStrategy.Path, config.WebSocket.RoutingStrategy);
        Assert.Equal("type", config.WebSocket.QueryParamName);
        Assert.Empty(config.WebSocketRoutes);
        var server = Assert.Single(config.Servers);
        Assert.Equal((1, true), (server.Instances, server.Reload));
        Assert.Equal(["core"], server.Modules);
        Assert.Equal(new HealthSettings { Attempts = 30, IntervalSeconds = 0.5, TimeoutSeconds = 2 }, config.Health);
        Assert.Equal(3.0, config.StopTimeout);
        Assert.Equal(Path.Combine(config.BaseDirectory, ".local"), config.LocalDir);
    }

    [Theory]
    [InlineData("path", RoutingStrategy.Path)]
    [InlineData("query_param", RoutingStrategy.QueryParam)]
    public void Both_routing_strategies_load(string text, RoutingStrategy expected)
    {
        var config = Yaml.Valid($"servers: {{a: {{port: 8001}}}}\nwebsocket: {{routing_strategy: {text}}}");
        Assert.Equal(expected, config.WebSocket.RoutingStrategy);
        Assert.Equal("type", config.WebSocket.QueryParamName);
    }

    [Fact]
    public void An_unknown_routing_strategy_is_rejected_with_a_suggestion()
    {
        var error = Yaml.SingleError("servers: {a: {port: 8001}}\nwebsocket: {routing_strategy: query}", "websocket.routing_strategy");
        Assert.Equal("query", error.Value);
        Assert.Contains("did you mean 'query_param'", error.Fix);
    }

    [Theory]
    [InlineData("/api/v1")]
    [InlineData("/v2")]
    [InlineData("/gateway/api.v3")]
    public void Custom_api_base_url_is_kept(string url)
    {
        Assert.Equal(url, Yaml.Valid($"api_base_url: {url}\nservers: {{a: {{port: 8001}}}}").ApiBaseUrl);
    }

    [Fact]
    public void A_port_shared_by_nginx_and_a_server_names_both()
    {
        var error = Yaml.SingleError("nginx: {port: 8001}\nservers: {broker: {port: 8001}}", "servers.broker.port");
        Assert.Contains("nginx.port", error.Message);
        Assert.Contains("8001", error.Message);
    }

    [Fact]
    public void A_port_shared_by_two_servers_names_both()
    {
        var error = Yaml.SingleError("servers:\n  broker: {port: 8001}\n  datafeed: {port: 8001}\n", "servers.datafeed.port");
        Assert.Contains("servers.broker (instance broker-0)", error.Message);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void Instance_ranges_that_overlap_are_a_conflict()
    {
        var error = Yaml.SingleError("servers:\n  broker: {port: 8001, instances: 2}\n  datafeed: {port: 8002}\n", "servers.datafeed.port");
        Assert.Contains("servers.broker (instance broker-1)", error.Message);
        Assert.Contains("servers.datafeed.port: 8003", error.Fix);
    }

    [Fact]
    public void A_route_to_an_unknown_server_is_rejected()
    {
        var error = Yaml.SingleError(Yaml.TwoServers.Replace("datafeed: datafeed", "datafeed: datafed"), "websocket_routes.datafeed");
        Assert.Contains("'datafed' does not exist", error.Message);
        Assert.Contains("did you mean 'datafeed'", error.Fix);
    }

    [Fact]
    public void Ports_lists_the_gateway_then_every_instance_in_order()
    {
        var config = Yaml.Valid("""
            nginx: {port: 8000}
            servers:
              broker: {port: 8001, instances: 2}
              datafeed: {port: 8010, instances: 3}
            """);
        Assert.Equal([8000, 8001, 8002, 8010, 8011, 8012], config.Ports);
        Assert.Equal(["broker-0", "broker-1", "datafeed-0", "datafeed-1", "datafeed-2"], config.Instances.Select(i => i.Name));
    }

    [Fact]
    public void A_missing_file_is_one_clear_line()
    {
        using var dir = new TempDir();
        var result = ConfigLoader.Load(Path.Combine(dir.Path, "nope.yaml"));
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("nope.yaml: config file not found: ", error.ToString());
        Assert.DoesNotContain("\n", error.ToString());
        var thrown = Assert.Throws<ConfigException>(() => ConfigLoader.LoadOrThrow(Path.Combine(dir.Path, "nope.yaml")));
        Assert.Equal(error.ToString(), thrown.Message);
    }

    [Fact]
    public void The_shipped_dev_config_loads_as_the_guide_describes()
    {
        var config = ConfigLoader.LoadOrThrow(RepoPaths.File("dev-config.yaml"));
        Assert.Equal([8000, 8001, 8002], config.Ports);
        Assert.Equal(["core", "broker"], config.Servers[0].Modules);
        Assert.Equal(["core", "datafeed"], config.Servers[1].Modules);
        Assert.All(config.Servers, s => Assert.True(s.Reload));
        Assert.Equal(RoutingStrategy.Path, config.WebSocket.RoutingStrategy);
        Assert.Equal([new WebSocketRoute("broker", "broker"), new WebSocketRoute("datafeed", "datafeed")], config.WebSocketRoutes);
        Assert.Equal(RepoPaths.File(".local"), config.LocalDir);
    }

    [Fact]
    public void The_shipped_prod_config_loads_with_its_own_local_dir()
    {
        var config = ConfigLoader.LoadOrThrow(RepoPaths.File("prod-config.yaml"));
        Assert.Equal("auto", config.Nginx.WorkerProcesses);
        Assert.All(config.Servers, s => Assert.False(s.Reload));
        Assert.All(config.Servers, s => Assert.Equal(2, s.Instances));
        Assert.Equal(RepoPaths.File(".local", "prod"), config.LocalDir);
        Assert.Equal(config.Ports.Count(), config.Ports.Distinct().Count());
    }
}
