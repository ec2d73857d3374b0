using Orchestration.Config;
using Orchestration.Images;
using Orchestration.Kubernetes;
using Orchestration.Swarm;
using Orchestration.Tests.Kubernetes;
using Orchestration.Tests.Nginx;
using YamlDotNet.Serialization;

namespace Orchestration.Tests.Swarm;

/// <summary>The Compose file and the gateway's nginx.conf of a stack, from the shipped configs, without an engine.</summary>
public sealed class ComposeFileTests
{
    private static readonly ImageNames Images = new("orchestration", "test");

    private static (Dictionary<object, object> Root, ComposeExport Export) Build(DeploymentConfig config)
    {
        var export = ComposeFile.Build(config, Images, "orchestration/gateway:bookworm-0123456789ab", "prod-config", "compose.nginx.conf");
        var root = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(export.Yaml);
        return (root, export);
    }

    private static Dictionary<object, object> Map(object node, params string[] path)
    {
        foreach (var key in path) node = ((Dictionary<object, object>)node)[key];
        return (Dictionary<object, object>)node;
    }

    [Fact]
    public void Each_server_is_a_dnsrr_service_with_its_instances_as_replicas_and_a_start_first_rolling_update()
    {
        var config = GoldenTests.Shipped("prod");
        var (root, _) = Build(config);

        foreach (var server in config.Servers)
        {
            var service = Map(root, "services", server.Name);
            var deploy = Map(service, "deploy");
            Assert.Equal(server.Instances.ToString(), deploy["replicas"]);
            Assert.Equal("dnsrr", deploy["endpoint_mode"]);
            Assert.Equal("start-first", Map(deploy, "update_config")["order"]);
            Assert.Equal("3s", Map(deploy, "update_config")["delay"]); // nginx re-resolves (valid=2s) between two replacements
            Assert.Equal("any", Map(deploy, "restart_policy")["condition"]);
            Assert.Equal(Images.For(server), service["image"]);
            Assert.Equal(ComposeFile.Duration(config.StopTimeout), service["stop_grace_period"]);
            Assert.Equal("prod-config", Map(service, "labels")[SwarmNames.DeploymentLabel]);
            Assert.Equal("prod-config", Map(deploy, "labels")[SwarmNames.DeploymentLabel]);
        }
    }

    [Fact]
    public void The_env_is_the_supervisors_with_INSTANCE_NAME_from_the_task_slot_and_every_address_bound()
    {
        var config = GoldenTests.Shipped("dev");
        var (root, _) = Build(config);

        var env = Map(root, "services", "broker", "environment");
        Assert.Equal("core,broker", env[InstanceEnvironment.EnabledModules]);
        Assert.Equal("{{.Service.Name}}-{{.Task.Slot}}", env[InstanceEnvironment.InstanceName]);
        Assert.Equal("http://+:8001", env[InstanceEnvironment.AspNetCoreUrls]);
        Assert.Equal("/api/v1", env[InstanceEnvironment.ApiBaseUrl]);
    }

    [Fact]
    public void A_dollar_in_a_value_reaches_the_container_unchanged_not_interpolated_by_compose()
    {
        var config = GoldenTests.Shipped("dev");
        config = config with { Servers = [config.Servers[0] with { Env = new Dictionary<string, string> { ["SECRET"] = "a$b" } }, .. config.Servers.Skip(1)] };
        var (root, _) = Build(config);

        Assert.Equal("a$$b", Map(root, "services", "broker", "environment")["SECRET"]);
        var test = (List<object>)Map(root, "services", "broker", "healthcheck")["test"];
        Assert.Equal(ComposeFile.Literal(ModuleProbes.ReadinessScript(config, config.Servers[0])), test[^1]);
        Assert.DoesNotMatch(@"(?<!\$)\$(?!\$)", ((string)test[^1]).Replace("$$", ""));
    }

    [Fact]
    public void The_gateway_publishes_the_configured_port_on_the_host_and_mounts_its_config_named_by_its_hash()
    {
        var config = GoldenTests.Shipped("dev");
        var (root, export) = Build(config);

        var gateway = Map(root, "services", SwarmNames.Gateway);
        var port = (Dictionary<object, object>)((List<object>)gateway["ports"]).Single();
        Assert.Equal("host", port["mode"]);
        Assert.Equal("orchestration/gateway:bookworm-0123456789ab", gateway["image"]);
        Assert.Equal("8000", port["published"]);
        var mount = (Dictionary<object, object>)((List<object>)gateway["configs"]).Single();
        Assert.Equal(export.ConfigName, mount["source"]);
        Assert.Equal(ImagePublisher.GatewayConfigPath, mount["target"]);
        Assert.Equal("./compose.nginx.conf", Map(root, "configs", export.ConfigName)["file"]);
        Assert.Equal("stop-first", Map(gateway, "deploy", "update_config")["order"]);

        var changed = Build(config with { Nginx = config.Nginx with { WorkerConnections = 2048 } }).Export;
        Assert.NotEqual(export.ConfigName, changed.ConfigName); // a Docker config cannot change: a new one rolls the gateway
    }

    [Theory]
    [InlineData("path")]
    [InlineData("query_param")]
    public void The_gateway_resolves_each_service_name_at_request_time_through_Dockers_DNS(string strategy)
    {
        var config = GoldenTests.Shipped("prod");
        if (strategy == "query_param") config = Export.QueryParam(config);

        var conf = SwarmGateway.NginxConf(config);

        Assert.Contains("resolver 127.0.0.11 valid=2s ipv6=off;", conf);
        Assert.Contains("proxy_connect_timeout 1s;", conf);
        Assert.DoesNotContain("upstream broker_backend", conf);
        Assert.Contains("listen 0.0.0.0:8000;", conf);
        if (strategy == "path")
        {
            Assert.Contains("set $orchestration_upstream broker:8001;", conf);
            Assert.Contains("set $orchestration_upstream datafeed:8011;", conf);
            Assert.Contains("proxy_pass http://$orchestration_upstream;", conf);
            Assert.Contains("proxy_next_upstream_tries 3;", conf); // two replicas and one being replaced
        }
        else
        {
            Assert.Contains("broker broker:8001;", conf);
            Assert.Contains("proxy_pass http://$orchestration_ws_upstream;", conf);
        }
    }

    [Fact]
    public void A_deployment_that_cannot_be_a_stack_gets_every_problem_with_its_fix()
    {
        var config = GoldenTests.Shipped("dev");
        config = config with
        {
            Servers = [config.Servers[0] with { Name = "gateway" }, config.Servers[1] with { Name = "Data.Feed" }],
            Nginx = config.Nginx with { Tls = new TlsSettings { Certificate = "/c.pem", Key = "/k.pem" } },
        };

        var problems = SwarmNames.Problems(config, "Bad Stack");

        Assert.Equal(4, problems.Count);
        Assert.All(problems, p => Assert.Contains("Fix:", p));
        Assert.Contains(problems, p => p.StartsWith("--stack: 'Bad Stack'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("servers.gateway:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("servers.Data.Feed:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("nginx.tls:", StringComparison.Ordinal));
    }

    [Fact]
    public void The_base_image_comes_from_the_machines_deb822_apt_source_not_the_security_one()
    {
        const string sources = """
            Types: deb
            URIs: http://deb.debian.org/debian
            Suites: bookworm bookworm-updates
            Components: main

            Types: deb
            URIs: http://deb.debian.org/debian-security
            Suites: bookworm-security
            """;
        Assert.Equal(new AptSource("bookworm", "http://deb.debian.org/debian"), AptSource.FromDeb822(sources));
        Assert.Equal(new AptSource("trixie", "http://mirror.example/debian"), AptSource.FromOneLine("deb http://mirror.example/debian trixie main\n"));
    }
}
