using Orchestration.Config;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Config;

/// <summary>One test per validation rule of issue 3.</summary>
public sealed class ValidationRuleTests
{
    [Fact]
    public void The_last_instance_port_must_fit_under_65536()
    {
        var error = Yaml.SingleError("servers:\n  a: {port: 65534, instances: 3}\n", "servers.a.instances");
        Assert.Contains("65536", error.Message);
        Yaml.Valid("servers:\n  a: {port: 65533, instances: 3}\n");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("lots")]
    public void Worker_connections_must_be_1_to_65535(string value)
    {
        Yaml.SingleError($"nginx: {{worker_connections: {value}}}\nservers: {{a: {{port: 8001}}}}", "nginx.worker_connections");
    }

    [Theory]
    [InlineData("\"my type\"")]
    [InlineData("1type")]
    [InlineData("ty$pe")]
    public void Query_param_name_must_be_a_plain_identifier(string value)
    {
        Yaml.SingleError($"servers: {{a: {{port: 8001}}}}\nwebsocket: {{query_param_name: {value}}}", "websocket.query_param_name");
    }

    [Theory]
    [InlineData("api/v1", "does not start with '/'")]
    [InlineData("/api/v1/", "ends with '/'")]
    [InlineData("\"/api v1\"", "specially")]
    [InlineData("\"/api;v1\"", "specially")]
    [InlineData("\"/api/$v\"", "specially")]
    [InlineData("\"/api{1}\"", "specially")]
    [InlineData("/", "ends with '/'")]
    public void Api_base_url_must_be_a_clean_prefix(string value, string why)
    {
        var error = Yaml.SingleError($"api_base_url: {value}\nservers: {{a: {{port: 8001}}}}", "api_base_url");
        Assert.Contains(why, error.Message);
    }

    [Theory]
    [InlineData("Broker")]
    [InlineData("1broker")]
    [InlineData("bro ker")]
    [InlineData("broker;x")]
    public void Server_names_are_lower_case_identifiers(string name)
    {
        var error = Yaml.SingleError($"servers:\n  \"{name}\": {{port: 8001}}\n", $"servers.{name}");
        Assert.Contains("not a valid server name", error.Message);
    }

    [Fact]
    public void Module_names_are_lower_case_identifiers()
    {
        var error = Yaml.SingleError("servers:\n  a: {port: 8001, command: [run], modules: [core, \"Orders!\"]}\n", "servers.a.modules[1]");
        Assert.Contains("not a valid module name", error.Message);
    }

    [Fact]
    public void A_bundled_server_hosts_only_the_bundled_modules()
    {
        var error = Yaml.SingleError("servers:\n  a:\n    port: 8001\n    modules: [core, brokr]\n", "servers.a.modules[1]");
        Assert.Contains("did you mean 'broker'", error.Fix);
        Assert.Equal((4, 21), (error.Line, error.Column));
    }

    [Fact]
    public void A_command_server_may_host_any_module()
    {
        var config = Yaml.Valid("servers:\n  py:\n    port: 8001\n    command: [python3, app.py, --port, \"{port}\"]\n    modules: [orders, quotes]\n");
        Assert.Equal(["core", "orders", "quotes"], config.Servers[0].Modules);
    }

    [Fact]
    public void A_project_server_may_host_any_module()
    {
        using var dir = new TempDir();
        dir.Write("svc/Svc.csproj", "<Project />");
        var config = ConfigLoader.LoadOrThrow(dir.Write("d.yaml", "servers:\n  a: {port: 8001, project: svc, modules: [orders]}\n"));
        Assert.Equal(Path.Combine(dir.Path, "svc", "Svc.csproj"), config.Servers[0].Project);
        Assert.Equal(Path.Combine(dir.Path, "svc"), config.Servers[0].BaseDirectoryForWatch);
    }

    [Fact]
    public void A_module_is_hosted_by_one_server_only()
    {
        var error = Yaml.SingleError("servers:\n  a: {port: 8001, modules: [broker]}\n  b: {port: 8002, modules: [core, broker]}\n", "servers.b.modules[1]");
        Assert.Contains("already hosted by servers.a", error.Message);
    }

    [Fact]
    public void A_module_listed_twice_in_one_server_is_rejected()
    {
        Yaml.SingleError("servers:\n  a: {port: 8001, modules: [broker, broker]}\n", "servers.a.modules[1]");
    }

    [Fact]
    public void Core_is_always_first_and_once()
    {
        var config = Yaml.Valid("servers:\n  a: {port: 8001, modules: [broker, core, datafeed, core]}\n  b: {port: 8002}\n");
        Assert.Equal(["core", "broker", "datafeed"], config.Servers[0].Modules);
        Assert.Equal(["core"], config.Servers[1].Modules);
        Assert.Equal("a", config.ServerForModule("core")!.Name);
    }

    [Fact]
    public void A_route_must_point_at_the_server_that_hosts_the_module()
    {
        var error = Yaml.SingleError(Yaml.TwoServers.Replace("broker: broker\n", "broker: datafeed\n"), "websocket_routes.broker");
        Assert.Contains("does not host module 'broker'", error.Message);
        Assert.Contains("route broker to broker", error.Fix);
    }

    [Fact]
    public void At_least_one_server_is_required()
    {
        Assert.Contains("no servers", Yaml.SingleError("nginx: {port: 8000}\n", "").Message);
        Assert.Contains("no servers", Yaml.SingleError("nginx: {port: 8000}\nservers: {}\n", "servers").Message);
        Assert.Contains("no servers", Yaml.SingleError("nginx: {port: 8000}\nservers:\n", "servers").Message);
    }

    [Fact]
    public void A_server_needs_a_port()
    {
        var error = Yaml.SingleError("servers:\n  a:\n    instances: 2\n", "servers.a");
        Assert.Contains("has no port", error.Message);
        Assert.Equal((2, 3), (error.Line, error.Column));
    }

    [Fact]
    public void Unknown_keys_are_errors_with_a_did_you_mean()
    {
        var error = Yaml.SingleError("servers:\n  a:\n    port: 8001\n    instnaces: 2\n", "servers.a.instnaces");
        Assert.Equal("deploy.yaml:4:5: servers.a.instnaces: unknown key 'instnaces' in servers.a. Fix: did you mean 'instances'? "
            + "Valid keys here are: port, instances, modules, reload, publish, socket_handoff, command, project, env, watch.", error.ToString());
    }

    [Fact]
    public void An_unknown_key_far_from_any_valid_one_lists_the_valid_keys()
    {
        var error = Yaml.SingleError("servers: {a: {port: 8001}}\nfrobnicate: yes\n", "frobnicate");
        Assert.StartsWith("remove it; valid keys here are: api_base_url,", error.Fix);
    }

    [Fact]
    public void Every_error_is_reported_at_once_in_file_order()
    {
        var result = Yaml.Load("""
            api_base_url: api
            nginx:
              port: 99999
              worker_processes: 0
            servers:
              broker:
                port: 8001
                instances: 0
                modules: [core, nope]
            websocket:
              routing_strategy: sideways
            """);
        Assert.Equal(["api_base_url", "nginx.port", "nginx.worker_processes", "servers.broker.instances", "servers.broker.modules[1]", "websocket.routing_strategy"],
            result.Errors.Select(e => e.Path));
        Assert.Equal(result.Errors.OrderBy(e => e.Line).Select(e => e.Line), result.Errors.Select(e => e.Line));
    }

    [Theory]
    [InlineData("servers:\n  a: {port: 8001\n", "YAML syntax error")]
    [InlineData("servers:\n  a:\n    port: 8001\n   bad: 1\n", "YAML syntax error")]
    [InlineData("servers:\n  a: {port: 8001}\n  a: {port: 8002}\n", "key 'a' appears twice")]
    [InlineData("", "the file is empty")]
    [InlineData("# only a comment\n", "the file is empty")]
    [InlineData("- servers\n- nginx\n", "the top level is a list")]
    [InlineData("just text\n", "the top level is a single value")]
    [InlineData("servers: {a: {port: 8001}}\n---\nservers: {}\n", "more than one YAML document")]
    public void Broken_files_give_one_clear_line(string yaml, string message)
    {
        var result = Yaml.Load(yaml);
        var error = Assert.Single(result.Errors);
        Assert.Contains(message, error.Message);
        Assert.DoesNotContain('\n', error.ToString());
        Assert.DoesNotContain("Exception", error.ToString());
        Assert.DoesNotContain("   at ", error.ToString());
    }

    [Fact]
    public void Type_mistakes_name_the_field()
    {
        var result = Yaml.Load("servers:\n  a:\n    port: [8001]\n    reload: maybe\n    modules: broker\n");
        Assert.Equal(["servers.a.port", "servers.a.reload", "servers.a.modules"], result.Errors.Select(e => e.Path));
    }

    [Fact]
    public void Bad_input_writes_nothing()
    {
        using var dir = new TempDir();
        var path = dir.Write("deploy.yaml", "servers:\n  a: {port: 1}\n");
        var before = dir.Entries();
        Assert.False(ConfigLoader.Load(path).IsValid);
        Assert.Equal(before, dir.Entries());
        Assert.Equal(["deploy.yaml"], before);
    }
}
