using Orchestration.Config;

namespace Orchestration.Tests.Config;

public sealed class InstanceCountEditTests
{
    private const string Yaml = """
        # the deployment
        servers:
          broker:
            port: 8001
            instances: 1   # one for now
            modules: [core, broker]

          datafeed:
            port: 8002
            modules:
              - core
              - datafeed
        """;

    [Fact]
    public void The_count_changes_and_every_other_byte_stays()
    {
        var edited = InstanceCountEdit.Apply(Yaml, "broker", 3);

        Assert.Equal(Yaml.Replace("instances: 1   # one for now", "instances: 3   # one for now"), edited);
    }

    [Fact]
    public void A_server_without_instances_gets_the_key_at_its_own_indentation()
    {
        var edited = InstanceCountEdit.Apply(Yaml, "datafeed", 2);

        Assert.Equal(Yaml.Replace("  datafeed:\n    port: 8002", "  datafeed:\n    instances: 2\n    port: 8002"), edited);
        var parsed = ConfigLoader.Load("/tmp/unused.yaml", text: edited + "\n");
        Assert.True(parsed.IsValid, string.Join("\n", parsed.Errors));
        Assert.Equal(2, parsed.Config!.Servers.Single(s => s.Name == "datafeed").Instances);
    }

    [Fact]
    public void An_unknown_server_is_refused_listing_the_servers_and_flow_style_names_the_fix()
    {
        var unknown = Assert.Throws<ArgumentException>(() => InstanceCountEdit.Apply(Yaml, "brokr", 2));
        Assert.Equal("--server brokr: no such server; servers: broker, datafeed", unknown.Message);

        var flow = Assert.Throws<ArgumentException>(() => InstanceCountEdit.Apply("servers:\n  broker: {port: 8001}\n", "broker", 2));
        Assert.Contains("flow style", flow.Message);
        Assert.Contains("instances: 2", flow.Message);
    }
}
