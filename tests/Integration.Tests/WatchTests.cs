using System.Diagnostics;
using System.Text.Json;
using Orchestration.Benchmarks;

namespace Integration.Tests;

/// <summary>Watch mode on a copy of a small project in a temp folder: edit, build, rolling replacement.</summary>
public sealed class WatchTests
{
    private static void WriteAnswer(string folder, string answer) => SampleProject.WriteAnswer(folder, answer);

    /// <summary>A stack running the small project (answering "v1") with watch mode on.</summary>
    private static async Task<TestStack> StartAppAsync(int instances)
    {
        var stack = new TestStack(p => SampleProject.Config(p.Gateway, p[1], instances));
        try
        {
            SampleProject.Write(Path.Combine(stack.Directory, "app"), "v1");
            await stack.RunOkAsync("Start");
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    [Fact]
    public async Task An_edit_reaches_the_gateway_after_one_build_per_burst_excluded_paths_are_ignored_and_no_request_fails()
    {
        await using var stack = await StartAppAsync(instances: 1);
        var app = Path.Combine(stack.Directory, "app");
        var answer = $"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/core/answer";
        Assert.Equal("v1", await Http.GetStringAsync(answer));

        // Build output, runtime files, generated specs and editor swap files start nothing.
        foreach (var path in new[] { "bin/x.cs", "obj/y.cs", "openapi.json", ".Answer.cs.swp", "Answer.cs~" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(app, path))!);
            File.WriteAllText(Path.Combine(app, path), "// not code");
        }
        await Task.Delay(1500);
        Assert.DoesNotContain("Change for app", stack.UnifiedText);

        // A burst of five saves is one build; a steady load through the gateway sees no failure.
        var report = await SteadyLoad(answer).RunDuringAsync(async _ =>
        {
            // Five saves back to back, as an editor's "save all" writes them, from a thread of their
            // own: the load's workers share the thread pool, and only a stall longer than the 150 ms
            // debounce between two writes could split the burst.
            await Task.Factory.StartNew(() =>
            {
                for (var i = 2; i <= 6; i++) WriteAnswer(app, $"v{i}");
            }, TaskCreationOptions.LongRunning);
            await WaitForAnswerAsync(answer, "v6", stack);
            await WaitForAsync(() => stack.UnifiedText.Contains("Reload ok"), TimeSpan.FromSeconds(30), stack);
        }, LoadWarmUp, TimeSpan.Zero, CancellationToken.None);

        var events = string.Join("\n", stack.UnifiedLines.Where(l => l.StartsWith("supervisor", StringComparison.Ordinal)));
        Assert.True(stack.UnifiedLines.Count(l => l.Contains("Building ", StringComparison.Ordinal)) == 1, $"one build expected for the burst; the supervisor said:\n{events}");
        Assert.True(report.Failed == 0, $"{report.Failed} of {report.Requests} requests failed during the reload: {report.DescribeKinds()}");
        Assert.True(report.Requests > 20, $"only {report.Requests} requests were sent");
        Assert.Equal(stack.Ports[1], stack.State!.Processes.Single(p => p.Name == "app-0").Port);

        // The deployment's own compiler server (watch builds share it) ends with the stack.
        var pipe = new Orchestration.Builds.CompilerServer(new Orchestration.Config.LocalPaths(stack.LocalDir), "dotnet").PipeName;
        await stack.RunOkAsync("Stop");
        await WaitForAsync(() => !Orchestration.Processes.ProcInfo.AllPids().Any(p =>
            Orchestration.Processes.ProcInfo.Read(p) is { HasExited: false } info && info.CommandLine.Contains(pipe, StringComparison.Ordinal)), TimeSpan.FromSeconds(10), stack);
    }

    [Fact]
    public async Task A_broken_edit_keeps_the_old_code_serving_and_Status_reports_the_error_then_a_fix_rolls_out_to_both_instances()
    {
        await using var stack = await StartAppAsync(instances: 2);
        var app = Path.Combine(stack.Directory, "app");
        var answer = $"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/core/answer";

        File.WriteAllText(Path.Combine(app, "Answer.cs"), "static class Answer { public const string Text = \"v2\" }\n"); // no ';'
        await WaitForAsync(() => stack.UnifiedText.Contains("build failed"), TimeSpan.FromSeconds(60), stack);

        Assert.Equal("v1", await Http.GetStringAsync(answer));
        var status = await stack.RunAsync("Status", "--json");
        using (var json = JsonDocument.Parse(status.StandardOutput)) // --json: stdout is the JSON alone
        {
            var watch = json.RootElement.GetProperty("watch").EnumerateArray().Single();
            Assert.Contains("build failed", watch.GetProperty("last_reload_result").GetString());
            Assert.Contains("CS1002", watch.GetProperty("last_error").GetString());
        }
        Assert.Contains("CS1002", stack.UnifiedText);

        var report = await SteadyLoad(answer).RunDuringAsync(async _ =>
        {
            WriteAnswer(app, "v3");
            await WaitForAsync(() => stack.UnifiedText.Contains("Reload ok"), TimeSpan.FromSeconds(60), stack);
        }, LoadWarmUp, TimeSpan.Zero, CancellationToken.None);

        var seen = new HashSet<string>();
        for (var i = 0; i < 10; i++)
        {
            var response = await Http.GetAsync(answer);
            Assert.Equal("v3", await response.Content.ReadAsStringAsync());
            seen.Add(response.Headers.GetValues("X-Instance").Single());
        }
        Assert.Equal(["app-0", "app-1"], seen.Order());
        Assert.True(report.Failed == 0, $"{report.Failed} of {report.Requests} requests failed during the reload: {report.DescribeKinds()}");
    }

    [Fact]
    public async Task A_reload_that_fails_for_a_reason_other_than_the_compiler_is_shown_in_Status_and_watching_goes_on()
    {
        await using var stack = await StartAppAsync(instances: 1);
        var app = Path.Combine(stack.Directory, "app");
        var answer = $"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/core/answer";
        // The first build's copy goes to builds/app/run/1: a file there makes the copy fail with an IOException.
        var blocker = Path.Combine(stack.LocalDir, "builds", "app", "run", "1");
        Directory.CreateDirectory(Path.GetDirectoryName(blocker)!);
        File.WriteAllText(blocker, "in the way");

        WriteAnswer(app, "v2");
        await WaitForAsync(() => stack.UnifiedText.Contains("reload failed"), TimeSpan.FromSeconds(60), stack);

        Assert.Equal("v1", await Http.GetStringAsync(answer));
        var status = await stack.RunAsync("Status", "--json");
        using (var json = JsonDocument.Parse(status.StandardOutput))
        {
            var watch = json.RootElement.GetProperty("watch").EnumerateArray().Single();
            Assert.Contains("reload failed", watch.GetProperty("last_reload_result").GetString());
            Assert.Contains("IOException", watch.GetProperty("last_error").GetString());
            Assert.True(watch.GetProperty("watching").GetBoolean());
        }

        WriteAnswer(app, "v3"); // the next edit is built and served: watching went on
        await WaitForAnswerAsync(answer, "v3", stack);
    }

    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
    private static readonly TimeSpan LoadWarmUp = TimeSpan.FromSeconds(0.3);

    /// <summary>The benchmark's load: one closed loop here, and patient (a build shares the CPU with it).</summary>
    private static LoadGenerator SteadyLoad(string url) => new(url, workers: 1, requestTimeout: TimeSpan.FromSeconds(10));

    private static async Task WaitForAnswerAsync(string url, string answer, TestStack stack)
    {
        var clock = Stopwatch.StartNew();
        while (await Http.GetStringAsync(url) != answer)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) Assert.Fail($"the gateway did not answer {answer} within 60 s\n--- unified log ---\n{TestStack.Tail(stack.UnifiedLog, 40)}");
            await Task.Delay(50);
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan limit, TestStack stack)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit) Assert.Fail($"not within {limit.TotalSeconds} s\n--- unified log ---\n{TestStack.Tail(stack.UnifiedLog, 40)}");
            await Task.Delay(50);
        }
    }
}
