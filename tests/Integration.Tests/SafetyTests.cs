using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Orchestration.Processes;
using Orchestration.State;

namespace Integration.Tests;

/// <summary>DESIGN.md's process-safety rules, each one a test.</summary>
public sealed class SafetyTests
{
    [Fact]
    public async Task Start_with_a_foreign_process_on_a_port_fails_names_it_and_leaves_it_alone()
    {
        await using var stack = new TestStack(p => Configs.Default(p));
        using var foreign = new TcpListener(IPAddress.Loopback, stack.Ports[2]);
        foreign.Start();

        var start = await stack.RunAsync("Start");

        Assert.True(start.ExitCode != 0, start.ToString());
        Assert.Contains($"port {stack.Ports[2]}", start.Output);
        Assert.Contains($"pid {Environment.ProcessId}", start.Output);
        Assert.Null(stack.State);
        Assert.True(PortProbe.IsFree(stack.Ports[1]), "nothing may be started when a port is taken");
        var stop = await stack.RunAsync("Stop");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, stack.Ports[2]); // the foreign listener still answers
    }

    [Fact]
    public async Task Stop_never_signals_a_recorded_pid_that_now_belongs_to_another_process()
    {
        await using var stack = new TestStack(p => Configs.Default(p));
        using var stranger = Process.Start(new ProcessStartInfo("sleep", "30"))!;
        try
        {
            var info = ProcInfo.Read(stranger.Id)!;
            var stale = new ProcessRecord
            {
                Name = "broker-0", Kind = ProcessKind.Instance, Port = stack.Ports[1], Pid = stranger.Id, ProcessGroup = stranger.Id,
                StartTicks = info.StartTicks - 1, Argv = ["dotnet", "TradingApi.dll"], Status = ProcessStatus.Running,
            };
            var deadSupervisor = stale with { Name = "supervisor", Kind = ProcessKind.Supervisor, Pid = 999_999, ProcessGroup = 999_999 };
            var state = new DeploymentState { Supervisor = deadSupervisor, ConfigPath = stack.ConfigPath, StartedAt = DateTimeOffset.Now, Processes = [stale] };
            Directory.CreateDirectory(Path.Combine(stack.LocalDir, "pids"));
            File.WriteAllText(Path.Combine(stack.LocalDir, "state.json"), JsonSerializer.Serialize(state, StateJson.Options));
            File.WriteAllText(Path.Combine(stack.LocalDir, "pids", "broker-0.pid"), stranger.Id + "\n");

            var stop = await stack.RunAsync("Stop");

            Assert.True(stop.ExitCode == 0, stop.ToString());
            Assert.False(stranger.HasExited, "a pid reused by another program must never be signalled");
            Assert.Equal('S', ProcInfo.Read(stranger.Id)!.State);
        }
        finally
        {
            stranger.Kill();
        }
    }

    [Fact]
    public async Task A_zombie_counts_as_exited_and_is_never_waited_for()
    {
        // sh starts a short child, then becomes `sleep 5`, which never reaps it: a zombie.
        using var parent = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "sleep 0.1 & exec sleep 5"]))!;
        try
        {
            int? zombie = null;
            for (var i = 0; i < 100 && zombie is null; i++)
            {
                zombie = ProcInfo.AllPids().Select(ProcInfo.Read).FirstOrDefault(p => p is { State: 'Z' } && p.ParentPid == parent.Id)?.Pid;
                if (zombie is null) await Task.Delay(20);
            }
            Assert.NotNull(zombie);
            Assert.True(ProcInfo.Read(zombie.Value)!.HasExited);
            Assert.False(ProcInfo.IsRunning(zombie.Value));
            var identity = new ProcessIdentity(zombie.Value, ProcInfo.Read(zombie.Value)!.StartTicks, ["sleep", "0.1"]);
            var clock = Stopwatch.StartNew();
            var outcome = await ProcessTerminator.StopOneAsync(new StopRequest("zombie", identity, parent.Id, Posix.SIGTERM, false), TimeSpan.FromSeconds(3), CancellationToken.None);
            Assert.Equal(StopResult.NotRunning, outcome.Result);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
            Assert.False(parent.HasExited, "the zombie's parent is not ours to signal");
        }
        finally
        {
            parent.Kill();
        }
    }

    [Fact]
    public async Task A_backend_that_crashes_during_the_health_wait_fails_Start_at_once_with_its_log_lines()
    {
        await using var stack = new TestStack(p => Configs.Command(p, "echo booting; echo fatal: cannot open the database >&2; exit 3"));

        var start = await stack.RunAsync("Start");

        Assert.True(start.ExitCode != 0, start.ToString());
        Assert.Contains("fatal: cannot open the database", start.Output);
        Assert.Contains("crashy-0", start.Output);
        Assert.True(start.Elapsed < TimeSpan.FromSeconds(5), $"a crash must end the wait at once, took {start.Elapsed}");
        Assert.Null(stack.State);
        Assert.False(File.Exists(Path.Combine(stack.LocalDir, "supervisor.sock")));
    }

    [Fact]
    public async Task Two_concurrent_Starts_one_wins_and_the_other_is_refused()
    {
        await using var stack = new TestStack(p => Configs.Default(p));

        var both = await Task.WhenAll(stack.RunAsync("Start"), stack.RunAsync("Start"));

        var winner = Assert.Single(both, r => r.ExitCode == 0);
        var loser = Assert.Single(both, r => r.ExitCode != 0);
        Assert.Contains("Another Start", loser.Output);
        Assert.Equal(3, stack.State!.Processes.Count(p => p.Identity.FindAlive() is not null));
        Assert.DoesNotContain("Already running", winner.Output);
    }

    [Fact]
    public async Task After_the_supervisor_is_SIGKILLed_Stop_still_ends_every_process()
    {
        await using var stack = new TestStack(p => Configs.Default(p));
        await stack.RunOkAsync("Start");
        var state = await stack.KillSupervisorAsync();

        var stop = await stack.RunOkAsync("Stop");

        Assert.All(state.Processes, p => Assert.Null(p.Identity.FindAlive()));
        Assert.All(state.Processes, p => Assert.True(PortProbe.IsFree(p.Port), $"port {p.Port} still taken\n{stop}"));
    }

    [Fact]
    public async Task Start_after_a_crashed_run_cleans_its_own_leftovers_then_starts()
    {
        await using var stack = new TestStack(p => Configs.Default(p));
        await stack.RunOkAsync("Start");
        var old = await stack.KillSupervisorAsync();

        var start = await stack.RunOkAsync("Start");

        Assert.Contains("leftovers", start.Output);
        Assert.All(old.Processes, p => Assert.Null(p.Identity.FindAlive()));
        Assert.All(stack.State!.Processes, p => Assert.NotNull(p.Identity.FindAlive()));
    }

    [Fact]
    public async Task A_crashed_instance_is_restarted_by_the_supervisor()
    {
        await using var stack = new TestStack(p => Configs.Default(p));
        await stack.RunOkAsync("Start");
        var broker = stack.State!.Processes.Single(p => p.Name == "broker-0");

        Posix.KillGroup(broker.ProcessGroup, Posix.SIGKILL);

        ProcessRecord? again = null;
        for (var i = 0; i < 300; i++) // up to 15 s: the restart waits its backoff, then its health
        {
            again = stack.State?.Processes.Single(p => p.Name == "broker-0");
            if (again is { Restarts: 1, Status: ProcessStatus.Running } && again.Pid != broker.Pid) break;
            await Task.Delay(50);
        }
        Assert.NotNull(again);
        Assert.Equal(1, again.Restarts);
        Assert.NotEqual(broker.Pid, again.Pid);
        Assert.Contains("Restarting broker-0", File.ReadAllText(stack.UnifiedLog));
    }
}
