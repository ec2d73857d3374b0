using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;

namespace Integration.Tests;

/// <summary>
/// The deployment on a real Docker engine's single-node swarm, through the build program as a user runs it:
/// DeploySwarm (installing and starting the engine when it is missing, as root), the gateway's published
/// port, Status --swarm, RemoveSwarm. No engine is a failure with the reason, never a skip. Each test
/// removes its stack and the image tags it made in every outcome; the base image and the gateway's
/// content-tagged image are kept for the next.
/// </summary>
public sealed partial class SwarmTests
{
    private static readonly TimeSpan DeployTimeout = TimeSpan.FromMinutes(10); // a fresh machine installs docker.io and debootstrap and makes the base image
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task DeploySwarm_serves_every_module_and_replica_through_the_published_port_rolls_an_update_with_no_failed_request_and_RemoveSwarm_leaves_nothing()
    {
        // publish: aot, so the project's image is the Native AOT one (the query_param test below runs the JIT image).
        await using var deployment = new TestStack(p => Configs.Default(p, brokerInstances: 2, publish: "aot"));
        var stack = "orchtest-" + Guid.NewGuid().ToString("N")[..8];
        var firstTags = new List<string>();
        try
        {
            var deploy = await deployment.RunAsync(["DeploySwarm", "--stack", stack], DeployTimeout, CancellationToken.None);
            Assert.True(deploy.ExitCode == 0, $"DeploySwarm failed: {deploy}");
            Assert.Contains("tradingapi image: Native AOT (publish: aot)", deploy.Output);
            // The binary and the few libraries it and the healthcheck load, not a Debian with a .NET runtime (~200 MB).
            var size = long.Parse((await Docker(["image", "inspect", "--format", "{{.Size}}", TagsMade(deployment, stack).Single(i => i.Contains("/tradingapi:", StringComparison.Ordinal))])).StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(size, 1_000_000, 40_000_000);
            var gateway = $"http://127.0.0.1:{deployment.Ports.Gateway}";
            Assert.Contains(gateway, deploy.Output);

            // Every module answers through the gateway; each of broker's two replicas serves in turn.
            var brokerInstances = new HashSet<string>();
            for (var i = 0; i < 20 && brokerInstances.Count < 2; i++)
            {
                using var response = await Http.GetAsync($"{gateway}/api/v1/broker/health");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                brokerInstances.Add(response.Headers.GetValues("X-Instance").Single());
            }
            Assert.Equal([$"{stack}_broker-1", $"{stack}_broker-2"], brokerInstances.Order());
            foreach (var (module, instance) in new[] { ("core", $"{stack}_broker-"), ("datafeed", $"{stack}_datafeed-1") })
            {
                using var response = await Http.GetAsync($"{gateway}/api/v1/{module}/health");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.StartsWith(instance, response.Headers.GetValues("X-Instance").Single());
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.Equal(module, body.RootElement.GetProperty("module_name").GetString());
            }
            await WebSocketRoundTrip.AssertAsync($"ws://127.0.0.1:{deployment.Ports.Gateway}/api/v1/datafeed/ws", $"{stack}_datafeed-1");

            // A rolling update under load (a changed env stands for a code change: both change the service's spec).
            var before = await RunningTasksAsync($"{stack}_broker");
            firstTags.AddRange(TagsMade(deployment, stack)); // the update's config has another tag
            File.WriteAllText(deployment.ConfigPath, File.ReadAllText(deployment.ConfigPath)
                .Replace("    modules: [core, broker]\n", "    modules: [core, broker]\n    env:\n      ROLLOUT: \"2\"\n", StringComparison.Ordinal));
            Assert.Contains("ROLLOUT", File.ReadAllText(deployment.ConfigPath));
            using var loadStop = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            var load = Task.WhenAll(Enumerable.Range(0, 2).Select(_ => LoadAsync($"{gateway}/api/v1/broker/health", loadStop.Token)));
            var update = await deployment.RunAsync(["DeploySwarm", "--stack", stack], DeployTimeout, CancellationToken.None);
            await loadStop.CancelAsync();
            var counts = await load;
            Assert.True(update.ExitCode == 0, $"DeploySwarm (update) failed: {update}");
            var after = await RunningTasksAsync($"{stack}_broker");
            Assert.Empty(before.Intersect(after)); // both replicas were replaced
            var failures = counts.SelectMany(c => c.Failures).ToList();
            Assert.True(failures.Count == 0, $"{failures.Count} of {counts.Sum(c => c.Total)} requests failed during the rolling update: {string.Join("; ", failures.Take(10))}");
            Assert.True(counts.Sum(c => c.Total) > 20, $"only {counts.Sum(c => c.Total)} requests were sent during the update");

            var status = await deployment.RunAsync("Status", "--swarm", "--stack", stack);
            Assert.True(status.ExitCode == 0, $"Status --swarm: {status}");
            Assert.Equal(4, Regex.Matches(status.StandardOutput, "healthy").Count - 1); // 4 task rows and the summary line
            Assert.Contains(gateway, status.StandardOutput);

            var remove = await deployment.RunAsync(["RemoveSwarm", "--stack", stack], TimeSpan.FromMinutes(2), CancellationToken.None);
            Assert.True(remove.ExitCode == 0, $"RemoveSwarm failed: {remove}");
            Assert.Empty(await OursAsync(stack));
            var stopped = await deployment.RunAsync("Status", "--swarm", "--stack", stack);
            Assert.Equal(3, stopped.ExitCode);
        }
        finally
        {
            await CleanUpAsync(deployment, stack, firstTags);
        }
    }

    [Fact]
    public async Task DeploySwarm_with_the_query_param_strategy_routes_each_WebSocket_to_its_server()
    {
        await using var deployment = new TestStack(p => Configs.Default(p, strategy: "query_param"));
        var stack = "orchtest-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var deploy = await deployment.RunAsync(["DeploySwarm", "--stack", stack], DeployTimeout, CancellationToken.None);
            Assert.True(deploy.ExitCode == 0, $"DeploySwarm failed: {deploy}");
            Assert.Contains("tradingapi image: JIT, self-contained (publish: jit)", deploy.Output);
            await WebSocketRoundTrip.AssertAsync($"ws://127.0.0.1:{deployment.Ports.Gateway}/api/v1/ws?type=broker", $"{stack}_broker-1");
            await WebSocketRoundTrip.AssertAsync($"ws://127.0.0.1:{deployment.Ports.Gateway}/api/v1/ws?type=datafeed", $"{stack}_datafeed-1");
            using var unknown = await Http.GetAsync($"http://127.0.0.1:{deployment.Ports.Gateway}/api/v1/ws?type=nope");
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        }
        finally
        {
            await CleanUpAsync(deployment, stack);
        }
    }

    [Fact]
    public async Task A_stack_of_the_same_name_that_is_not_ours_is_refused_by_DeploySwarm_and_RemoveSwarm_and_left_alone()
    {
        await using var deployment = new TestStack(p => Configs.Default(p));
        var stack = "orchtest-" + Guid.NewGuid().ToString("N")[..8];
        var foreign = $"{stack}_foreign";
        var engine = await deployment.RunAsync(["EnsureDocker"], DeployTimeout, CancellationToken.None);
        Assert.True(engine.ExitCode == 0, $"EnsureDocker failed: {engine}");
        // Someone else's service in a stack of that name (no replicas: nothing runs, the spec is enough).
        var created = await Docker(["service", "create", "--detach", "--replicas", "0", "--name", foreign,
            "--label", $"com.docker.stack.namespace={stack}", "--no-resolve-image", "orchestration-test/not-ours:1", "true"]);
        Assert.True(created.ExitCode == 0, created.StandardError);
        try
        {
            var remove = await deployment.RunAsync(["RemoveSwarm", "--stack", stack], TimeSpan.FromMinutes(2), CancellationToken.None);
            Assert.NotEqual(0, remove.ExitCode);
            Assert.Contains("were not made by Orchestration", remove.Output);
            var deploy = await deployment.RunAsync(["DeploySwarm", "--stack", stack], DeployTimeout, CancellationToken.None);
            Assert.NotEqual(0, deploy.ExitCode);
            Assert.Contains("were not made by Orchestration", deploy.Output);

            Assert.Equal(0, (await Docker(["service", "inspect", foreign])).ExitCode);
            Assert.Equal([$"service {foreign}"], (await Docker(["service", "ls", "--filter", $"label=com.docker.stack.namespace={stack}", "--format", "{{.Name}}"]))
                .StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(n => $"service {n}"));
        }
        finally
        {
            await Docker(["service", "rm", foreign]);
            await CleanUpAsync(deployment, stack);
        }
    }

    private sealed record Load(int Total, IReadOnlyList<string> Failures);

    /// <summary>GETs one after another until stopped (bounded by the caller's token); every non-200 or error is a failure.</summary>
    private static async Task<Load> LoadAsync(string url, CancellationToken stop)
    {
        var total = 0;
        var failures = new List<string>();
        while (!stop.IsCancellationRequested)
        {
            total++;
            try
            {
                using var response = await Http.GetAsync(url, CancellationToken.None);
                if (response.StatusCode != HttpStatusCode.OK) failures.Add($"{DateTime.UtcNow:HH:mm:ss.fff} HTTP {(int)response.StatusCode}");
            }
            catch (HttpRequestException ex) { failures.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {ex.Message}"); }
            catch (TaskCanceledException) { failures.Add($"{DateTime.UtcNow:HH:mm:ss.fff} no answer within 5 s"); }
            await Task.Delay(20, CancellationToken.None);
        }
        return new Load(total, failures);
    }

    private static async Task<IReadOnlyList<string>> RunningTasksAsync(string service) =>
        (await Docker(["service", "ps", "-q", "--filter", "desired-state=running", service])).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Services, containers, networks, configs and volumes carrying this stack's label.</summary>
    private static async Task<IReadOnlyList<string>> OursAsync(string stack)
    {
        var filter = $"label=orchestration.deployment={stack}";
        var stackFilter = $"label=com.docker.stack.namespace={stack}";
        var found = new List<string>();
        foreach (var args in new[]
        {
            new[] { "service", "ls", "-q", "--filter", filter }, ["ps", "-aq", "--filter", filter], ["network", "ls", "-q", "--filter", filter],
            ["config", "ls", "-q", "--filter", filter], ["volume", "ls", "-q", "--filter", stackFilter], ["ps", "-aq", "--filter", stackFilter],
        })
        {
            var result = await Docker(args);
            found.AddRange(result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(id => $"{args[0]} {id}"));
        }
        return found;
    }

    /// <summary>RemoveSwarm, then whatever still carries the stack's label, then the image tags this test made.</summary>
    private static async Task CleanUpAsync(TestStack deployment, string stack, IEnumerable<string>? earlierTags = null)
    {
        await deployment.RunAsync(["RemoveSwarm", "--stack", stack], TimeSpan.FromMinutes(2), CancellationToken.None);
        if ((await OursAsync(stack)).Count > 0) await Docker(["stack", "rm", stack]);
        // The tags this run made go; an image left with no tag goes with its last one (a docker build of it
        // takes seconds). The base image and the gateway's content-tagged image stay for the next run.
        foreach (var image in TagsMade(deployment, stack).Concat(earlierTags ?? []).Distinct()) await Docker(["rmi", image]);
    }

    /// <summary>
    /// The image tags a DeploySwarm of this config made: the project images the stack's Compose file names,
    /// and the gateway's image under the same tag (the stack runs it under its content tag).
    /// </summary>
    private static IReadOnlyList<string> TagsMade(TestStack deployment, string stack)
    {
        var compose = Path.Combine(deployment.LocalDir, "swarm", stack + ".compose.yaml");
        if (!File.Exists(compose)) return [];
        var tagged = ImageLine().Matches(File.ReadAllText(compose)).Select(m => m.Groups[1].Value).ToList();
        return tagged.Concat(tagged.Select(i => "orchestration/gateway:" + i.Split(':')[^1])).Distinct().ToList();
    }

    private static Task<BufferedCommandResult> Docker(string[] args) =>
        Cli.Wrap(File.Exists("/usr/bin/docker") ? "/usr/bin/docker" : "docker").WithArguments(args)
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();

    [GeneratedRegex(@"^\s+image: (\S+:cfg-\S+)$", RegexOptions.Multiline)]
    private static partial Regex ImageLine();
}
