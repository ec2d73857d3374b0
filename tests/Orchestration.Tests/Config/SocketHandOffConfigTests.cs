using Orchestration.Config;

namespace Orchestration.Tests.Config;

/// <summary><c>servers.&lt;n&gt;.socket_handoff</c>: off by default, for .NET projects only.</summary>
public sealed class SocketHandOffConfigTests
{
    [Fact]
    public void Socket_handoff_is_off_by_default_and_read_per_server()
    {
        var config = Yaml.Valid("""
            servers:
              a: {port: 8001}
              b: {port: 8002, socket_handoff: true}
              c: {port: 8003, socket_handoff: false}
            """);

        Assert.Equal([false, true, false], config.Servers.Select(s => s.SocketHandOff));
    }

    [Fact]
    public void A_command_server_with_socket_handoff_is_refused_with_the_fix()
    {
        var error = Yaml.SingleError("servers:\n  app:\n    port: 8001\n    command: [python3, app.py, \"{port}\"]\n    socket_handoff: true\n", "servers.app.socket_handoff");

        Assert.Contains("socket_handoff: true is for .NET projects", error.Message);
        Assert.Contains("servers.app runs a command", error.Message);
        Assert.Equal("remove servers.app.socket_handoff; its replacements start on the spare port and move back.", error.Fix);
    }

    [Fact]
    public void A_value_that_is_not_a_boolean_names_the_field()
    {
        var error = Yaml.SingleError("servers:\n  broker: {port: 8001, socket_handoff: yes please}\n", "servers.broker.socket_handoff");

        Assert.Contains("yes please", error.Message);
    }
}
