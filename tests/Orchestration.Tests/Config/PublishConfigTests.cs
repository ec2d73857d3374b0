using Orchestration.Config;

namespace Orchestration.Tests.Config;

/// <summary><c>servers.&lt;n&gt;.publish</c>: auto | aot | jit, and the combinations that cannot work.</summary>
public sealed class PublishConfigTests
{
    [Fact]
    public void Publish_defaults_to_auto_and_reads_each_mode()
    {
        var config = Yaml.Valid("""
            servers:
              a: {port: 8001}
              b: {port: 8002, reload: false, publish: aot}
              c: {port: 8003, publish: jit}
              d: {port: 8004, reload: false, publish: auto}
            """);

        Assert.Equal([PublishMode.Auto, PublishMode.Aot, PublishMode.Jit, PublishMode.Auto], config.Servers.Select(s => s.Publish));
    }

    [Fact]
    public void An_unknown_mode_names_the_field_the_value_and_the_modes()
    {
        var error = Yaml.SingleError("servers:\n  broker:\n    port: 8001\n    reload: false\n    publish: native\n", "servers.broker.publish");

        Assert.Equal("'native' is not a publish mode.", error.Message);
        Assert.StartsWith("use auto (Native AOT when reload is false", error.Fix);
        Assert.EndsWith("aot or jit.", error.Fix);
        Assert.Equal((5, 14), (error.Line, error.Column));
    }

    [Fact]
    public void A_misspelt_mode_gets_a_did_you_mean()
    {
        var error = Yaml.SingleError("servers:\n  broker: {port: 8001, reload: false, publish: AOT}\n", "servers.broker.publish");

        Assert.StartsWith("did you mean 'aot'?", error.Fix);
    }

    [Fact]
    public void Aot_with_watch_mode_is_refused_with_the_fix()
    {
        var error = Yaml.SingleError("servers:\n  broker:\n    port: 8001\n    publish: aot\n", "servers.broker.publish");

        Assert.Contains("publish: aot needs reload: false", error.Message);
        Assert.Contains("reload: true by default", error.Message);
        Assert.Equal("set servers.broker.reload: false for a native binary, or publish: auto to keep watch mode.", error.Fix);
    }

    [Fact]
    public void Publish_on_a_command_server_is_refused()
    {
        var error = Yaml.SingleError("servers:\n  py:\n    port: 8001\n    modules: [x]\n    command: [python3, app.py]\n    publish: jit\n", "servers.py.publish");

        Assert.Contains("this server runs a command", error.Message);
        Assert.Equal("remove publish (a command runs as it is).", error.Fix);
    }
}
