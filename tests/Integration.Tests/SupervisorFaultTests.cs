using System.Diagnostics;
using System.Net;
using System.Text;
using Orchestration.Processes;
using Orchestration.State;

namespace Integration.Tests;

/// <summary>The faults a user found by breaking a running stack by hand (issue 11), each with real processes.</summary>
public sealed class SupervisorFaultTests
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };

    [Theory]
    [InlineData("── StartServers ──")]
    [InlineData("Supervisor up")]
    [InlineData("── WaitHealthy ──")]
    [InlineData("── StartNginx ──")]
    public async Task Ctrl_C_at_any_step_of_Start_leaves_nothing_running_and_nothing_recorded(string marker)
    {
        await using var stack = new TestStack(p => Configs.Default(p));
        var output = new StringBuilder();
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repo.Root };
        foreach (var arg in new[] { Repo.BuildProgram, "Start", "--config", stack.ConfigPath }) start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        using var build = new Process { StartInfo = start };
        build.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (e.Data.Contains(marker, StringComparison.Ordinal)) seen.TrySetResult();
        };
        build.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        build.Start();
        build.BeginOutputReadLine();
        build.BeginErrorReadLine();
        try
        {
            await seen.Task.WaitAsync(TimeSpan.FromSeconds(60));
            Posix.Kill(build.Id, Posix.SIGINT); // what Ctrl-C sends
            await build.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!build.HasExited) build.Kill(entireProcessTree: true);
        }

        string Said() { lock (output) return $"{output}\n--- unified log ---\n{TestStack.Tail(stack.UnifiedLog, 30)}"; }
        Assert.True(build.ExitCode != 0, $"an interrupted Start must not exit 0\n{Said()}");
        Assert.True(stack.State is null, $"nothing may stay recorded as running\n{Said()}");
        Assert.False(File.Exists(Path.Combine(stack.LocalDir, "supervisor.sock")), Said());
        Assert.Empty(ProcessesMentioning(stack.Directory));
        foreach (var port in stack.Ports.All.Take(3))
            Assert.True(PortProbe.IsFree(port), $"port {port} is still taken\n{Said()}");
    }

    [Fact]
    public async Task A_program_killed_while_its_own_child_holds_its_output_is_seen_ended_with_its_group_and_restarted()
    {
        await using var stack = new TestStack(p => Configs.Python(p, "sleep 600 & exec $APP"));
        await stack.RunOkAsync("Start");
        var app = stack.State!.Processes.Single(p => p.Name == "app-0");
        var sleeper = Assert.Single(ProcInfo.GroupMembers(app.ProcessGroup), pid => pid != app.Pid);

        Posix.Kill(app.Pid, Posix.SIGKILL); // the program only: its `sleep` keeps stdout and stderr open
        var clock = Stopwatch.StartNew();
        var again = await WaitForRecordAsync(stack, "app-0", r => r is { Restarts: 1, Status: ProcessStatus.Running } && r.Pid != app.Pid);

        Assert.True(again is not null, $"no restart within 15 s\n{TestStack.Tail(stack.UnifiedLog, 30)}");
        Assert.True(ProcInfo.Read(sleeper) is null or { HasExited: true }, "what the crashed program left in its group must be ended");
        Assert.True(await GatewayAnswersAsync(stack), $"the gateway does not answer after the restart\n{TestStack.Tail(stack.UnifiedLog, 30)}");
        Assert.Contains("exited: killed by SIGKILL", File.ReadAllText(stack.UnifiedLog));
        Console.WriteLine($"restarted and healthy {clock.Elapsed.TotalSeconds:0.00} s after the kill");
    }

    [Fact]
    public async Task An_nginx_master_killed_with_SIGKILL_is_restarted_and_its_orphaned_workers_end()
    {
        await using var stack = new TestStack(p => Configs.Default(p));
        await stack.RunOkAsync("Start");
        var nginx = stack.State!.Processes.Single(p => p.Name == "nginx");
        var workers = ProcInfo.GroupMembers(nginx.ProcessGroup).Where(pid => pid != nginx.Pid).ToList();
        Assert.NotEmpty(workers);

        Posix.Kill(nginx.Pid, Posix.SIGKILL); // the master only: its workers hold the pipes and the port

        var again = await WaitForRecordAsync(stack, "nginx", r => r is { Restarts: 1, Status: ProcessStatus.Running } && r.Pid != nginx.Pid);
        Assert.True(again is not null, $"nginx was not restarted within 15 s\n{TestStack.Tail(stack.UnifiedLog, 30)}");
        Assert.All(workers, w => Assert.True(ProcInfo.Read(w) is null or { HasExited: true }, $"orphaned worker {w} still runs"));
        RunResult? status = null;
        for (var i = 0; i < 50 && status?.ExitCode != 0; i++)
        {
            if (status is not null) await Task.Delay(100);
            status = await stack.RunAsync("Status");
        }
        Assert.True(status!.ExitCode == 0, status.ToString());
    }

    [Fact]
    public async Task A_crash_loop_is_given_up_as_errored_with_its_exit_code_and_last_lines_and_Restart_tries_again()
    {
        const string restart = "restart:\n  max_restarts: 2\n  backoff: 0.1\n  max_backoff: 0.2\n";
        await using var stack = new TestStack(p => Configs.Python(p,
            "if [ -e crash ]; then echo \"fatal: the settings file is broken\" >&2; exit 7; fi; exec $APP", restart));
        await stack.RunOkAsync("Start");
        var app = stack.State!.Processes.Single(p => p.Name == "app-0");
        File.WriteAllText(Path.Combine(stack.Directory, "crash"), "");

        Posix.KillGroup(app.ProcessGroup, Posix.SIGKILL);

        var errored = await WaitForRecordAsync(stack, "app-0", r => r.Status == ProcessStatus.Errored);
        Assert.True(errored is not null, $"never errored\n{TestStack.Tail(stack.UnifiedLog, 30)}");
        Assert.Equal(2, errored.Restarts); // two restarts, then given up
        Assert.Equal(7, errored.ExitCode);
        var status = await stack.RunAsync("Status");
        Assert.True(status.ExitCode == 1, status.ToString());
        Assert.Contains("errored", status.Output);
        Assert.Contains("exit code 7", status.Output);
        Assert.Contains("fatal: the settings file is broken", status.Output);
        await Task.Delay(500); // and it stays given up: no restart after the last
        Assert.Equal(2, stack.State!.Processes.Single(p => p.Name == "app-0").Restarts);

        File.Delete(Path.Combine(stack.Directory, "crash"));
        await stack.RunOkAsync("Restart");
        Assert.Equal(ProcessStatus.Running, stack.State!.Processes.Single(p => p.Name == "app-0").Status);
    }

    [Fact]
    public async Task A_command_server_with_reload_and_no_watch_patterns_does_not_reload_on_file_changes()
    {
        await using var stack = new TestStack(p => Configs.Python(p, "exec $APP", reload: "true"));
        await stack.RunOkAsync("Start");
        var pid = stack.State!.Processes.Single(p => p.Name == "app-0").Pid;

        File.WriteAllText(Path.Combine(stack.Directory, "notes.txt"), "saved next to the config");
        File.AppendAllText(stack.ConfigPath, "\n# a comment\n");
        await Task.Delay(1000); // longer than the watcher's debounce and a restart of this backend

        Assert.Empty(stack.State!.Watch);
        Assert.Equal(pid, stack.State!.Processes.Single(p => p.Name == "app-0").Pid);
        Assert.DoesNotContain("reloading", File.ReadAllText(stack.UnifiedLog));
        var again = await stack.RunAsync("Start"); // a comment is no config change
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("Already running", again.Output);
    }

    [Fact]
    public async Task Logs_rotate_by_size_nginx_reopens_its_own_and_requests_are_written_once()
    {
        await using var stack = new TestStack(p => Configs.Default(p) + "\nlogs:\n  max_size_mb: 0.01\n  max_files: 2\n");
        await stack.RunOkAsync("Start");
        var access = Path.Combine(stack.LocalDir, "logs", "nginx-access.log");
        var url = $"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/broker/health";

        for (var i = 0; i < 150; i++) (await Http.GetAsync(url)).Dispose(); // ~20 KB of access log
        var rotated = await WaitForAsync(() => File.Exists(access + ".1"));
        // The message is built only on failure: just after a rotation the live file may not exist yet (nginx reopens it on its next write).
        if (!rotated) Assert.Fail($"nginx's access log was not rotated: {(File.Exists(access) ? new FileInfo(access).Length : 0)} bytes\n{TestStack.Tail(stack.UnifiedLog, 20)}");
        var marker = "/api/v1/broker/health?after-rotation";
        Assert.True(await WaitForAsync(() =>
        {
            Http.GetAsync($"http://127.0.0.1:{stack.Ports.Gateway}{marker}").Result.Dispose();
            return File.Exists(access) && File.ReadAllText(access).Contains(marker);
        }), "after the rotation nginx must write to the new access log");
        Assert.False(File.Exists(access + ".3"), "only max_files rotated files are kept");

        var broker = File.ReadAllText(Path.Combine(stack.LocalDir, "logs", "broker-0.log"));
        Assert.DoesNotContain("GET /api/v1/broker/health 200", broker); // nginx's access log has each request; the backend keeps them at DEBUG
        Assert.Contains("Server started", broker);
    }

    private static async Task<bool> WaitForAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (condition()) return true;
            await Task.Delay(100);
        }
        return false;
    }

    /// <summary>True once the gateway answers 200 (the restarted backend may still be binding), within 10 s.</summary>
    private static async Task<bool> GatewayAnswersAsync(TestStack stack)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                using var response = await Http.GetAsync($"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/core/health");
                if (response.StatusCode == HttpStatusCode.OK) return true;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(50);
        }
        return false;
    }

    private static async Task<ProcessRecord?> WaitForRecordAsync(TestStack stack, string name, Func<ProcessRecord, bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (stack.State?.Processes.SingleOrDefault(p => p.Name == name) is { } record && condition(record)) return record;
            await Task.Delay(50);
        }
        return null;
    }

    /// <summary>Live processes whose command line names <paramref name="folder"/>: the supervisor, instances, nginx of that deployment.</summary>
    private static List<string> ProcessesMentioning(string folder) =>
        ProcInfo.AllPids().Select(ProcInfo.Read).OfType<ProcInfo>()
            .Where(p => !p.HasExited && p.CommandLine.Contains(folder, StringComparison.Ordinal))
            .Select(p => $"{p.Pid}: {p.CommandLine}").ToList();
}
