using System.Diagnostics;
using System.Text.Json.Nodes;
using Orchestration.Benchmarks;
using Orchestration.Processes;
using Orchestration.State;

namespace Integration.Tests;

/// <summary>Scale and Apply change a running stack with no failed request (issue 12), through the real gateway under load.</summary>
public sealed class LiveOperationsTests
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task Scale_up_then_down_under_load_fails_no_request_and_the_gateway_answers_from_the_new_set_only()
    {
        await using var stack = new TestStack(p => Configs.Default(p));
        await stack.RunOkAsync("Start");
        var before = Pids(stack);
        var url = $"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/broker/health";

        var up = await RunUnderLoadAsync(stack, url, "Scale", "--server", "broker", "--instances", "3");

        Assert.Contains("broker: 1 → 3 instances", up.Output);
        Assert.Equal(["broker-0", "broker-1", "broker-2"], await AnsweringAsync(url, 30));
        Assert.Equal(before["broker-0"], Pids(stack)["broker-0"]); // kept, not replaced
        Assert.Equal(before["nginx"], Pids(stack)["nginx"]); // reloaded, never restarted
        Assert.Contains("instances: 3", File.ReadAllText(stack.ConfigPath));
        var added = stack.State!.Processes.Where(p => p.Name is "broker-1" or "broker-2").ToList();

        await RunUnderLoadAsync(stack, url, "Scale", "--server", "broker", "--instances", "1");

        Assert.Equal(["broker-0"], await AnsweringAsync(url, 20));
        Assert.All(added, p => Assert.False(ProcInfo.IsRunning(p.Pid), $"the removed {p.Name} (pid {p.Pid}) must be gone"));
        Assert.Equal(["broker-0", "datafeed-0", "nginx"], stack.State!.Processes.Select(p => p.Name));
        Assert.Contains("instances: 1", File.ReadAllText(stack.ConfigPath));
        var status = await stack.RunAsync("Status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("Last operation: scale", status.Output);
    }

    [Fact]
    public async Task Apply_under_load_starts_a_new_server_replaces_a_changed_one_and_reloads_the_gateway_without_one_failed_request()
    {
        await using var stack = new TestStack(p => Configs.Default(p));
        await stack.RunOkAsync("Start");
        var before = Pids(stack);
        File.WriteAllText(stack.ConfigPath, Changed(stack.Ports));

        var dry = await stack.RunOkAsync("Apply", "--dry-run");
        Assert.Matches("datafeed: env LOG_LEVEL changed(, new build)? → rolling replace of datafeed-0", dry.Output); // a new build too if the backend was rebuilt meanwhile
        Assert.Contains("quotes: new server, 2 instances → start quotes-0, quotes-1", dry.Output);
        Assert.Contains("worker_connections 1024 → 2048", dry.Output);
        Assert.Contains("nothing was changed", dry.Output);
        Assert.Equal(before, Pids(stack));

        await RunUnderLoadAsync(stack, $"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/datafeed/config", "Apply");

        var after = Pids(stack);
        Assert.NotEqual(before["datafeed-0"], after["datafeed-0"]);
        Assert.False(ProcInfo.IsRunning(before["datafeed-0"]));
        Assert.Equal(before["broker-0"], after["broker-0"]);
        Assert.Equal(before["nginx"], after["nginx"]);
        Assert.Equal(["broker-0", "datafeed-0", "quotes-0", "quotes-1", "nginx"], stack.State!.Processes.Select(p => p.Name));
        Assert.Contains("worker_connections 2048;", File.ReadAllText(Path.Combine(stack.LocalDir, "nginx.conf")));
        var environ = File.ReadAllText($"/proc/{after["datafeed-0"]}/environ").Split('\0');
        Assert.Contains("LOG_LEVEL=debug", environ);

        var again = await stack.RunOkAsync("Apply");
        Assert.Contains("Nothing to change", again.Output);
        var start = await stack.RunOkAsync("Start"); // the stack runs this config: Start has nothing to do
        Assert.Contains("Already running", start.Output);
    }

    [Fact]
    public async Task Start_on_a_changed_config_applies_it_live_and_a_port_change_is_refused_with_the_command_that_does_it()
    {
        await using var stack = new TestStack(p => Configs.Default(p));
        await stack.RunOkAsync("Start");
        var before = Pids(stack);

        File.WriteAllText(stack.ConfigPath, Configs.Default(stack.Ports, brokerInstances: 2));
        var start = await stack.RunOkAsync("Start");
        Assert.Contains("applying the change live", start.Output);
        Assert.Equal(before["broker-0"], Pids(stack)["broker-0"]);
        Assert.True(Pids(stack).ContainsKey("broker-1"));

        var moved = Configs.Default(stack.Ports, brokerInstances: 2).Replace($"port: {stack.Ports[2]}", $"port: {stack.Ports[3]}");
        File.WriteAllText(stack.ConfigPath, moved);
        var refused = await stack.RunAsync("Apply");
        Assert.True(refused.ExitCode != 0, refused.ToString());
        Assert.Contains($"port {stack.Ports[2]} → {stack.Ports[3]}", refused.Output);
        Assert.Contains("Restart --all-at-once", refused.Output);
        Assert.Contains("nothing was changed", refused.Output);
        Assert.Equal(before["datafeed-0"], Pids(stack)["datafeed-0"]);
    }

    [Fact]
    public async Task A_new_instance_that_fails_its_health_check_stops_Scale_and_leaves_the_stack_and_the_config_as_they_were()
    {
        await using var stack = new TestStack(p => Configs.Python(p, "if [ \"$INSTANCE_NAME\" = app-1 ]; then echo \"fatal: app-1 has no license\" >&2; exit 3; fi; exec $APP"));
        await stack.RunOkAsync("Start");
        var before = Pids(stack);
        var config = File.ReadAllText(stack.ConfigPath);

        var scale = await stack.RunAsync("Scale", "--server", "app", "--instances", "2");

        Assert.True(scale.ExitCode != 0, scale.ToString());
        Assert.Contains("app-1", scale.Output);
        Assert.Contains("fatal: app-1 has no license", scale.Output); // its last log lines
        Assert.Contains("nothing else was changed", scale.Output);
        Assert.Equal(config, File.ReadAllText(stack.ConfigPath));
        Assert.Equal(before, Pids(stack));
        using var response = await Http.GetAsync($"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/core/health");
        Assert.True(response.IsSuccessStatusCode);
        var status = await stack.RunAsync("Status");
        Assert.Contains("Last operation: scale", status.Output);
        Assert.Contains("failed", status.Output);

        var wrong = await stack.RunAsync("Scale", "--server", "ap", "--instances", "2");
        Assert.True(wrong.ExitCode != 0, wrong.ToString());
        Assert.Contains("--server ap: no such server; servers: app", wrong.Output);
    }

    [Fact]
    public async Task Scale_of_a_stopped_deployment_writes_the_count_into_the_config_and_starts_nothing()
    {
        await using var stack = new TestStack(p => Configs.Default(p));

        var scale = await stack.RunOkAsync("Scale", "--server", "datafeed", "--instances", "2");

        Assert.Contains("Nothing of", scale.Output);
        Assert.Equal(Configs.Default(stack.Ports).Replace($"    port: {stack.Ports[2]}\n    instances: 1\n", $"    port: {stack.Ports[2]}\n    instances: 2\n"),
            File.ReadAllText(stack.ConfigPath));
        Assert.Null(stack.State);
    }

    [Fact]
    public async Task Detach_keeps_the_port_in_the_gateway_for_the_developers_own_process_and_Attach_hands_it_back()
    {
        await using var stack = new TestStack(p => Configs.Default(p, brokerInstances: 2));
        await stack.RunOkAsync("Start");
        var before = Pids(stack);
        var url = $"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/broker/health";
        var port = stack.Ports[1] + 1;

        var detach = await RunUnderLoadAsync(stack, url, "Detach", "--server", "broker", "--instance", "1");

        Assert.Contains($"ASPNETCORE_URLS=http://127.0.0.1:{port}", detach.Output);
        Assert.Contains("INSTANCE_NAME=broker-1", detach.Output);
        var launch = JsonNode.Parse(File.ReadAllText(Path.Combine(stack.LocalDir, "debug", "launch.json")))!;
        Assert.Equal("broker-1", launch["configurations"]![0]!["env"]!["INSTANCE_NAME"]!.GetValue<string>());
        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(stack.LocalDir, "debug", "launchSettings.json")))!;
        Assert.Equal($"http://127.0.0.1:{port}", settings["profiles"]!["broker-1"]!["applicationUrl"]!.GetValue<string>());
        Assert.False(ProcInfo.IsRunning(before["broker-1"]), "the detached instance must be stopped");
        Assert.Equal(ProcessStatus.Detached, stack.State!.Processes.Single(p => p.Name == "broker-1").Status);
        Assert.Equal(["broker-0"], await AnsweringAsync(url, 10)); // routed around while nothing answers there

        var developer = new ProcessStartInfo("python3") { ArgumentList = { Configs.HealthApp, port.ToString() }, RedirectStandardOutput = true };
        developer.Environment["INSTANCE_NAME"] = "my-broker-1";
        using (var own = Process.Start(developer)!)
        {
            try
            {
                Assert.StartsWith("listening", await own.StandardOutput.ReadLineAsync());
                // And to the developer's process once it answers (within 10 s: a Python server on a busy CI machine may take a moment to accept).
                Assert.True(await AnswersWithinAsync(url, "my-broker-1", TimeSpan.FromSeconds(10)), "the gateway never routed to the developer's process on the detached port");
                var status = await stack.RunAsync("Status");
                Assert.True(status.ExitCode == 0, status.ToString());
                Assert.Contains("detached", status.Output);
            }
            finally
            {
                own.Kill();
                await own.WaitForExitAsync();
            }
        }

        await stack.RunOkAsync("Attach", "--server", "broker", "--instance", "1");

        var attached = stack.State!.Processes.Single(p => p.Name == "broker-1");
        Assert.Equal(ProcessStatus.Running, attached.Status);
        Assert.Equal(port, attached.Port);
        Assert.NotNull(attached.Identity.FindAlive());
        Assert.Equal(["broker-0", "broker-1"], await AnsweringAsync(url, 20));
    }

    /// <summary>The default layout with datafeed's env changed, a new server quotes (2 instances) and a gateway setting changed.</summary>
    private static string Changed(TestPorts p)
    {
        var yaml = Configs.Default(p);
        var datafeed = $"    port: {p[2]}\n    instances: 1\n    modules: [core, datafeed]\n    reload: false\n    publish: jit\n";
        Assert.Contains(datafeed, yaml);
        return yaml
            .Replace($"nginx:\n  port: {p.Gateway}\n", $"nginx:\n  port: {p.Gateway}\n  worker_connections: 2048\n")
            .Replace(datafeed, datafeed + "    env:\n      LOG_LEVEL: debug\n" +
                $"  quotes:\n    port: {p[3]}\n    instances: 2\n    modules: [core]\n    reload: false\n    publish: jit\n");
    }

    /// <summary>Runs a target under the 4-worker load through the gateway; fails the test if it fails or a single request does.</summary>
    private static async Task<RunResult> RunUnderLoadAsync(TestStack stack, string url, params string[] args)
    {
        RunResult? result = null;
        var load = await new LoadGenerator(url).RunDuringAsync(async _ => result = await stack.RunOkAsync(args),
            TimeSpan.FromSeconds(0.3), TimeSpan.FromSeconds(0.3), CancellationToken.None);
        Assert.True(load.Requests > 100, $"only {load.Requests} requests were sent");
        Assert.True(load.Failed == 0, $"{load.Failed} of {load.Requests} requests failed during {string.Join(' ', args)}: {load.DescribeKinds()}\n{result}");
        return result!;
    }

    private static Dictionary<string, int> Pids(TestStack stack) => stack.State!.Processes.ToDictionary(p => p.Name, p => p.Pid);

    /// <summary>The X-Instance headers of <paramref name="count"/> requests through the gateway, sorted and distinct.</summary>
    /// <summary>True once a request through <paramref name="url"/> is answered by <paramref name="instance"/>, within <paramref name="limit"/>.</summary>
    private static async Task<bool> AnswersWithinAsync(string url, string instance, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if ((await AnsweringAsync(url, 4)).Contains(instance)) return true;
            await Task.Delay(100);
        }
        return false;
    }

    private static async Task<List<string>> AnsweringAsync(string url, int count)
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < count; i++)
        {
            using var response = await Http.GetAsync(url);
            seen.Add(response.Headers.GetValues("X-Instance").Single());
        }
        return seen.Order().ToList();
    }
}
