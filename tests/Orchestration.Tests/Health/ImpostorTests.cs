using Orchestration.Config;
using Orchestration.Health;
using Orchestration.Processes;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Health;

/// <summary>
/// A health answer counts only when it comes from the process we started: another program that took
/// the port between the port check and our child's bind must fail the start, naming itself.
/// </summary>
public sealed class ImpostorTests
{
    private static readonly HealthSettings Patient = new() { Attempts = 100, IntervalSeconds = 0.1, TimeoutSeconds = 5 };

    [Fact]
    public async Task An_answer_from_a_program_outside_our_childs_session_fails_the_wait_naming_that_program()
    {
        var port = PortProbe.PickFree();
        await using var other = await EchoBackend.StartAsync("other", 1, port);
        var notOurs = OtherSession();
        using var probe = new HealthProbe();
        var target = HealthTarget.Instance("api-1", notOurs, port, "/api/v1", ["core"], () => null, listensItself: true);

        var failures = await new HealthWaiter(probe, Patient).WaitAllAsync([target], CancellationToken.None);

        var failure = Assert.Single(failures);
        Assert.True(failure.ProcessExited);
        Assert.Contains($"api-1 (pid {notOurs}) is not the one answering on port {port}", failure.Reason);
        Assert.Contains($"pid {Environment.ProcessId} ", failure.Reason);
    }

    [Fact]
    public async Task An_answer_from_our_childs_session_is_healthy()
    {
        var port = PortProbe.PickFree();
        await using var ours = await EchoBackend.StartAsync("api", 1, port);
        using var probe = new HealthProbe();
        var target = HealthTarget.Instance("api-1", ProcInfo.Read(Environment.ProcessId)!.Session, port, "/api/v1", ["core"], () => null, listensItself: true);

        var failures = await new HealthWaiter(probe, Patient).WaitAllAsync([target], CancellationToken.None);

        Assert.Empty(failures);
    }

    [Fact]
    public async Task A_command_server_may_answer_through_a_helper_of_another_session()
    {
        var port = PortProbe.PickFree();
        await using var helper = await EchoBackend.StartAsync("docker-proxy", 1, port);
        using var probe = new HealthProbe();
        var target = HealthTarget.Instance("web-1", OtherSession(), port, "/api/v1", ["core"], () => null, listensItself: false);

        var failures = await new HealthWaiter(probe, Patient).WaitAllAsync([target], CancellationToken.None);

        Assert.Empty(failures);
    }

    [Fact]
    public void Intruder_is_the_listener_outside_the_session_and_nobody_when_nothing_listens()
    {
        var port = PortProbe.PickFree();
        Assert.Null(PortOwners.Intruder(port, OtherSession()));

        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        listener.Start();

        Assert.Equal(Environment.ProcessId, PortOwners.Intruder(port, OtherSession())?.Pid);
        Assert.Null(PortOwners.Intruder(port, ProcInfo.Read(Environment.ProcessId)!.Session));
    }

    /// <summary>A session id no process of this test belongs to.</summary>
    private static int OtherSession()
    {
        var ours = ProcInfo.Read(Environment.ProcessId)!.Session;
        return ours == int.MaxValue - 1 ? int.MaxValue - 2 : int.MaxValue - 1;
    }
}
