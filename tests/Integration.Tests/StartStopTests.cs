using System.Net;
using Orchestration.Processes;
using Orchestration.State;

namespace Integration.Tests;

/// <summary>The guide's integration cases for start, stop, restart and status, through the real build program.</summary>
public sealed class StartStopTests
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task Start_brings_up_every_instance_healthy_directly_and_through_the_gateway()
    {
        await using var stack = new TestStack(p => Configs.Default(p));
        await stack.RunOkAsync("Start");

        var state = stack.State!;
        Assert.Equal(["broker-0", "datafeed-0", "nginx"], state.Processes.Select(p => p.Name).Order());
        Assert.All(state.Processes, p => Assert.NotNull(p.Identity.FindAlive()));
        Assert.All(state.Processes, p => Assert.False(PortProbe.IsFree(p.Port), $"{p.Name} should hold port {p.Port}"));
        Assert.NotNull(state.Supervisor.Identity.FindAlive());

        // Direct, per instance
        var broker = await Http.GetAsync($"http://127.0.0.1:{stack.Ports[1]}/api/v1/core/health");
        Assert.Equal(HttpStatusCode.OK, broker.StatusCode);
        // Through the gateway: each module reaches the server that hosts it
        var viaGateway = await Http.GetAsync($"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/datafeed/health");
        Assert.Equal(HttpStatusCode.OK, viaGateway.StatusCode);
        Assert.Equal("datafeed-0", viaGateway.Headers.GetValues("X-Instance").Single());
        var brokerViaGateway = await Http.GetAsync($"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/broker/health");
        Assert.Equal("broker-0", brokerViaGateway.Headers.GetValues("X-Instance").Single());
        // Module isolation: datafeed is not loaded on the broker instance
        var isolated = await Http.GetAsync($"http://127.0.0.1:{stack.Ports[1]}/api/v1/datafeed/health");
        Assert.Equal(HttpStatusCode.NotFound, isolated.StatusCode);

        // Logs: every child's output reaches its own log and the unified log, prefixed
        var unified = File.ReadAllText(stack.UnifiedLog);
        Assert.Contains("broker-0            >> ", unified);
        Assert.Contains("datafeed-0          >> ", unified);
        Assert.True(File.ReadAllText(Path.Combine(stack.LocalDir, "logs", "broker-0.log")).Length > 0);
        Assert.Equal(state.Processes.Single(p => p.Name == "broker-0").Pid.ToString(), File.ReadAllText(Path.Combine(stack.LocalDir, "pids", "broker-0.pid")).Trim());

        var status = await stack.RunAsync("Status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("broker-0", status.Output);
    }

    [Fact]
    public async Task Stop_ends_every_process_frees_every_port_and_removes_pid_files()
    {
        await using var stack = new TestStack(p => Configs.Default(p));
        await stack.RunOkAsync("Start");
        var state = stack.State!;

        var stop = await stack.RunOkAsync("Stop");

        Assert.All(state.Processes.Append(state.Supervisor), p => Assert.Null(p.Identity.FindAlive()));
        Assert.All(state.Processes, p => Assert.True(PortProbe.IsFree(p.Port), $"port {p.Port} of {p.Name} still taken\n{stop}"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(stack.LocalDir, "pids")));
        Assert.Null(stack.State);
        Assert.Contains("Stopping", File.ReadAllText(stack.UnifiedLog));
    }

    [Fact]
    public async Task Status_and_Stop_when_nothing_runs_say_so_with_distinct_exit_codes()
    {
        await using var stack = new TestStack(p => Configs.Default(p));
        var status = await stack.RunAsync("Status");
        Assert.True(status.ExitCode == 3, status.ToString());
        Assert.Contains("stopped", status.Output);
        var stop = await stack.RunAsync("Stop");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Contains("Nothing is running", stop.Output);
    }

    [Fact]
    public async Task Status_exits_1_when_an_instance_stops_answering_and_a_crashed_nginx_is_restarted()
    {
        await using var stack = new TestStack(p => Configs.Default(p));
        await stack.RunOkAsync("Start");
        var broker = stack.State!.Processes.Single(p => p.Name == "broker-0");
        Posix.Kill(broker.Pid, Posix.SIGSTOP); // alive, but answers nothing
        try
        {
            var degraded = await stack.RunAsync("Status");
            Assert.True(degraded.ExitCode == 1, degraded.ToString());
        }
        finally
        {
            Posix.Kill(broker.Pid, Posix.SIGCONT);
        }

        var nginx = stack.State!.Processes.Single(p => p.Name == "nginx");
        Posix.KillGroup(nginx.ProcessGroup, Posix.SIGKILL);
        RunResult? status = null;
        for (var i = 0; i < 60 && status?.ExitCode != 0; i++)
        {
            await Task.Delay(100);
            status = await stack.RunAsync("Status");
        }
        Assert.True(status!.ExitCode == 0, status.ToString());
        Assert.NotEqual(nginx.Pid, stack.State!.Processes.Single(p => p.Name == "nginx").Pid);
    }

    [Fact]
    public async Task Restart_all_at_once_replaces_every_process_nginx_included_and_comes_back_healthy()
    {
        await using var stack = new TestStack(p => Configs.Default(p));
        await stack.RunOkAsync("Start");
        var before = stack.State!.Processes.ToDictionary(p => p.Name, p => p.Pid);

        await stack.RunOkAsync("Restart", "--all-at-once");

        var after = stack.State!.Processes.ToDictionary(p => p.Name, p => p.Pid);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        Assert.All(before, kv => Assert.NotEqual(kv.Value, after[kv.Key]));
        var health = await Http.GetAsync($"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/core/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Start_on_a_running_healthy_stack_says_so_and_changes_nothing()
    {
        await using var stack = new TestStack(p => Configs.Default(p));
        await stack.RunOkAsync("Start");
        var pids = stack.State!.Processes.Select(p => p.Pid).Order().ToList();

        var again = await stack.RunOkAsync("Start");

        Assert.Contains("Already running", again.Output);
        Assert.Equal(pids, stack.State!.Processes.Select(p => p.Pid).Order().ToList());
    }

    [Fact]
    public async Task Restart_after_the_config_changed_applies_it_and_replaces_every_instance_while_nginx_keeps_running()
    {
        await using var stack = new TestStack(p => Configs.Default(p));
        await stack.RunOkAsync("Start");
        var before = stack.State!.Processes.ToDictionary(p => p.Name, p => p.Pid);
        File.WriteAllText(stack.ConfigPath, Configs.Default(stack.Ports, brokerInstances: 2));

        var restart = await stack.RunOkAsync("Restart");

        Assert.Contains("applying it while every instance is replaced", restart.Output);
        var after = stack.State!.Processes.ToDictionary(p => p.Name, p => p);
        Assert.NotNull(after["broker-1"].Identity.FindAlive());
        Assert.NotEqual(before["broker-0"], after["broker-0"].Pid);
        Assert.NotEqual(before["datafeed-0"], after["datafeed-0"].Pid);
        Assert.Equal(before["nginx"], after["nginx"].Pid);
    }

    [Fact]
    public async Task Two_instances_of_a_server_both_receive_requests_through_the_gateway()
    {
        await using var stack = new TestStack(p => Configs.Default(p, brokerInstances: 2));
        await stack.RunOkAsync("Start");

        var seen = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            var response = await Http.GetAsync($"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/broker/health");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            seen.Add(response.Headers.GetValues("X-Instance").Single());
        }
        Assert.Equal(["broker-0", "broker-1"], seen.Order());
    }
}
