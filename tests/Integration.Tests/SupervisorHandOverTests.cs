using System.Text.RegularExpressions;
using Orchestration.Benchmarks;
using Orchestration.IO;
using Orchestration.Processes;
using Orchestration.State;
using Orchestration.Supervision;

namespace Integration.Tests;

/// <summary>
/// A Restart after the tool itself changed: the supervisor execve()s the new build in place (same
/// pid), takes every instance and nginx on, and carries out the restart with the new code; no
/// request fails, no log line is lost or repeated, and a crash after the hand-over is restarted.
/// </summary>
public sealed partial class SupervisorHandOverTests
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>A background job in the instance's group numbers its lines, through the instance's own stdout pipe.</summary>
    private const string Ticker = "(i=0; while :; do i=$((i+1)); echo \"tick $$ $i $(date +%s%N)\"; sleep 0.1; done) & exec $APP";

    [Fact]
    public async Task Restart_after_the_tool_changed_runs_the_new_supervisor_in_place_and_it_takes_every_process_on_without_a_failed_request_or_a_lost_line()
    {
        await using var stack = new TestStack(p => Configs.Python(p, Ticker, extra: "restart:\n  backoff: 0.2"));
        await stack.RunOkAsync("Start");
        var before = stack.State!;
        var oldApp = before.Processes.Single(p => p.Name == "app-0").Pid;
        var oldNginx = before.Processes.Single(p => p.Name == "nginx");
        Assert.NotNull(before.SupervisorProgram);
        var program = NewBuildOfTheTool(stack);
        Assert.NotEqual(before.SupervisorProgram!.Stamp, SupervisorProgram.StampOf(Path.GetDirectoryName(program)!));
        stack.Program = program;

        RunResult? restart = null;
        var load = await new LoadGenerator($"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/core/health").RunDuringAsync(
            async _ => restart = await stack.RunOkAsync("Restart"), TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(0.3), CancellationToken.None);

        Assert.True(load.Failed == 0, $"{load.Failed} of {load.Requests} requests failed during the hand-over and Restart: {load.DescribeKinds()}\n{restart}");
        Assert.True(load.Requests > 100, $"only {load.Requests} requests were sent");
        Assert.Contains("replaced its program in place", restart!.Output);
        var after = stack.State!;
        Assert.Equal(before.Supervisor.Pid, after.Supervisor.Pid);
        Assert.NotNull(after.Supervisor.Identity.FindAlive());
        var stamp = SupervisorProgram.StampOf(Path.GetDirectoryName(program)!);
        Assert.Equal(stamp, after.SupervisorProgram!.Stamp);
        // The process runs the new build now, from its own copy under local_dir.
        Assert.Contains(Path.Combine(stack.LocalDir, $"supervisor-{stamp}", "_build.dll"), ProcInfo.Read(after.Supervisor.Pid)!.Argv);
        Assert.Equal(1, after.SupervisorProgram.Replacements);
        Assert.Equal(before.SupervisorProgram.Stamp, after.SupervisorProgram.ReplacedFrom);
        var app = after.Processes.Single(p => p.Name == "app-0");
        Assert.NotEqual(oldApp, app.Pid); // replaced as Restart does, by the new supervisor
        Assert.False(ProcInfo.IsRunning(oldApp), $"the old app-0 (pid {oldApp}) must be gone");
        Assert.Equal(ProcInfo.Read(app.Pid)!.ParentPid, after.Supervisor.Pid);
        Assert.Equal(oldNginx.Pid, after.Processes.Single(p => p.Name == "nginx").Pid); // taken on, never restarted

        // The old instance's lines kept flowing through the handed-over pipe after the new program took it
        // on, and not one of them was lost or written twice; the new instance's lines flow too.
        var log = Path.Combine(stack.LocalDir, "logs", "app-0.log");
        var takenOver = after.SupervisorProgram.ReplacedAt!.Value;
        var oldTicks = Ticks(log, oldApp);
        Assert.Contains(oldTicks, t => t.At > takenOver);
        Assert.Equal(Enumerable.Range(1, oldTicks.Count), oldTicks.Select(t => t.Number));
        Assert.NotEmpty(Ticks(log, app.Pid));

        var status = await stack.RunAsync("Status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("replaced in place", status.Output);

        // A crash after the hand-over is seen by the new program (nginx is a child it took on: reaped with waitpid) and restarted.
        Posix.Kill(oldNginx.Pid, Posix.SIGKILL);
        var restarted = await Poll.UntilAsync(() => stack.State?.Processes.Single(p => p.Name == "nginx") is { Status: ProcessStatus.Running, Restarts: 1 } n
            && n.Pid != oldNginx.Pid && n.Identity.FindAlive() is not null, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(50), CancellationToken.None);
        Assert.True(restarted, $"nginx was not restarted after its crash:\n{TestStack.Tail(stack.UnifiedLog, 40)}");
        Assert.Contains($"nginx (pid {oldNginx.Pid}) exited: killed by SIGKILL", stack.UnifiedText);
        await Poll.UntilAsync(async () => (await stack.RunAsync("Status")).ExitCode == 0, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(200), CancellationToken.None);
        using (var response = await Http.GetAsync($"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/core/health"))
            Assert.True(response.IsSuccessStatusCode);

        var all = stack.State!.Processes.Append(stack.State.Supervisor).ToList();
        await stack.RunOkAsync("Stop");
        Assert.All(all, p => Assert.Null(p.Identity.FindAlive()));
        Assert.All(new[] { stack.Ports.Gateway, stack.Ports[1] }, port => Assert.True(PortProbe.IsFree(port), $"port {port} is still taken"));
    }

    [Fact]
    public async Task A_rolling_Restart_of_the_default_stack_with_a_new_build_of_the_tool_fails_no_request_and_keeps_the_supervisors_pid()
    {
        await using var stack = new TestStack(p => Configs.Default(p, brokerInstances: 2));
        await stack.RunOkAsync("Start");
        var before = stack.State!;
        stack.Program = NewBuildOfTheTool(stack);

        RunResult? restart = null;
        var load = await new LoadGenerator($"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/broker/health").RunDuringAsync(
            async _ => restart = await stack.RunOkAsync("Restart"), TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(0.3), CancellationToken.None);

        Assert.True(load.Failed == 0, $"{load.Failed} of {load.Requests} requests failed during the hand-over and Restart: {load.DescribeKinds()}\n{restart}");
        Assert.Contains("replaced its program in place", restart!.Output);
        var after = stack.State!;
        Assert.Equal(before.Supervisor.Pid, after.Supervisor.Pid);
        foreach (var name in new[] { "broker-0", "broker-1", "datafeed-0" })
        {
            var old = before.Processes.Single(p => p.Name == name).Pid;
            var now = after.Processes.Single(p => p.Name == name);
            Assert.NotEqual(old, now.Pid);
            Assert.False(ProcInfo.IsRunning(old), $"the old {name} (pid {old}) must be gone");
            Assert.Equal(ProcessStatus.Running, now.Status);
        }
        var status = await stack.RunAsync("Status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("replaced in place", status.Output);
    }

    [Fact]
    public async Task A_new_build_that_cannot_take_over_is_refused_before_the_exec_and_the_old_supervisor_runs_on_with_everything_as_it_was()
    {
        await using var stack = new TestStack(p => Configs.Python(p, "exec $APP"));
        await stack.RunOkAsync("Start");
        var before = stack.State!;
        var program = NewBuildOfTheTool(stack);
        // Its copy under local_dir is damaged (the runtime cannot read its config) where the copy step
        // does not look (same size and time): the new program cannot start, and the check before the exec says so.
        var copy = Path.Combine(stack.LocalDir, "supervisor-" + SupervisorProgram.StampOf(Path.GetDirectoryName(program)!));
        DirectoryMirror.Copy(Path.GetDirectoryName(program)!, copy);
        var runtimeConfig = new FileInfo(Path.Combine(copy, "_build.runtimeconfig.json"));
        var (length, time) = (runtimeConfig.Length, runtimeConfig.LastWriteTimeUtc);
        File.WriteAllText(runtimeConfig.FullName, new string('x', (int)length));
        File.SetLastWriteTimeUtc(runtimeConfig.FullName, time);

        stack.Program = program;
        var restart = await stack.RunAsync("Restart");

        Assert.True(restart.ExitCode != 0, restart.ToString());
        Assert.Contains("The supervisor was not replaced", restart.Output);
        Assert.Contains("refused the hand-over", restart.Output);
        var after = stack.State!;
        Assert.Equal(before.Supervisor.Pid, after.Supervisor.Pid);
        Assert.Equal(before.SupervisorProgram!.Stamp, after.SupervisorProgram!.Stamp);
        Assert.Null(after.SupervisorProgram.ReplacedAt);
        Assert.Equal(before.Processes.Select(p => p.Pid), after.Processes.Select(p => p.Pid)); // nothing else was touched
        Assert.False(File.Exists(Path.Combine(stack.LocalDir, "handover.json")));
        var status = await stack.RunAsync("Status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("Last operation: replace-supervisor", status.Output);
        // Its children's output still reaches the logs: the pipes were never frozen, or were read on.
        Posix.Kill(after.Processes.Single(p => p.Name == "app-0").Pid, Posix.SIGKILL);
        Assert.True(await Poll.UntilAsync(() => stack.State?.Processes.Single(p => p.Name == "app-0") is { Status: ProcessStatus.Running, Restarts: 1 } a && ProcInfo.IsRunning(a.Pid),
            TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(50), CancellationToken.None), TestStack.Tail(stack.UnifiedLog, 30));
    }

    [Fact]
    public async Task A_SIGTERM_that_arrives_while_the_new_program_starts_is_handled_by_it_and_stops_everything()
    {
        await using var stack = new TestStack(p => Configs.Python(p, "exec $APP"));
        await stack.RunOkAsync("Start");
        var before = stack.State!;
        stack.Program = NewBuildOfTheTool(stack);

        var restart = stack.RunAsync("Restart");
        // The moment of the exec: the process's command line becomes the new program's.
        var executed = await Poll.UntilAsync(() => ProcInfo.Read(before.Supervisor.Pid)?.Argv.Contains("--handover") == true,
            TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(2), CancellationToken.None);
        Assert.True(executed, TestStack.Tail(stack.UnifiedLog, 30));
        Posix.Kill(before.Supervisor.Pid, Posix.SIGTERM); // the new runtime is starting: no handler of its own yet
        await restart;

        var gone = await Poll.UntilAsync(() => before.Supervisor.Identity.FindAlive() is null, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50), CancellationToken.None);
        Assert.True(gone, $"the supervisor did not stop:\n{TestStack.Tail(stack.UnifiedLog, 30)}");
        var log = stack.UnifiedText;
        Assert.True(log.IndexOf("Took over", StringComparison.Ordinal) < log.IndexOf("Received SIGTERM", StringComparison.Ordinal), TestStack.Tail(stack.UnifiedLog, 30));
        Assert.All(before.Processes, p => Assert.False(ProcInfo.IsRunning(p.Pid), $"{p.Name} (pid {p.Pid}) outlived its supervisor"));
        var restarted = await restart;
        Assert.All(new[] { stack.Ports.Gateway, stack.Ports[1] }, port => Assert.True(PortProbe.IsFree(port), $"port {port} is still taken\n{restarted}\n{TestStack.Tail(stack.UnifiedLog, 40)}"));
    }

    /// <summary>
    /// Another build of the tool, as a rebuild gives: a copy of the build program with one more file,
    /// so its stamp differs from the one the running supervisor runs (and its code is really loaded by the exec).
    /// </summary>
    private static string NewBuildOfTheTool(TestStack stack)
    {
        var copy = Path.Combine(stack.Directory, "new-build");
        DirectoryMirror.Copy(AppContext.BaseDirectory, copy);
        File.WriteAllText(Path.Combine(copy, "rebuilt.txt"), DateTime.UtcNow.ToString("O"));
        return Path.Combine(copy, Path.GetFileName(Repo.BuildProgram));
    }

    private sealed record Tick(int Number, DateTimeOffset At);

    private static List<Tick> Ticks(string log, int pid) =>
        File.ReadLines(log).Select(l => TickLine().Match(l)).Where(m => m.Success && m.Groups[1].Value == pid.ToString())
            .Select(m => new Tick(int.Parse(m.Groups[2].Value), DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(m.Groups[3].Value) / 1_000_000)))
            .ToList();

    [GeneratedRegex(@"^tick (\d+) (\d+) (\d+)$")]
    private static partial Regex TickLine();
}
