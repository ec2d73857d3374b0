using System.Net;
using Orchestration.Builds;

namespace Integration.Tests;

/// <summary>Production mode: reload: false servers of the bundled backend run its Native AOT binary.</summary>
public sealed class NativeAotTests
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task Start_with_reload_false_runs_the_native_binary_says_why_and_answers_through_the_gateway()
    {
        // Published first, outside Start's 90 s budget: on a busy 2-core machine the native compile takes minutes.
        // Start then finds it up to date, as a second Start would.
        using (var publish = new CancellationTokenSource(TimeSpan.FromMinutes(10)))
            await new AotPublisher("dotnet").EnsurePublishedAsync(Path.Combine(Repo.Root, "src", "TradingApi", "TradingApi.csproj"), publish.Token);
        await using var stack = new TestStack(p => Configs.Default(p, brokerInstances: 2, publish: "auto"));

        var start = await stack.RunOkAsync("Start");

        Assert.Contains("broker: Native AOT (reload: false and TradingApi.csproj declares IsAotCompatible)", start.Output);
        Assert.Matches(@"src/TradingApi/TradingApi\.csproj: Native AOT up to date, binary \d+\.\d MB", start.Output);
        var instances = stack.State!.Processes.Where(p => p.Name != "nginx").ToList();
        Assert.Equal(3, instances.Count);
        foreach (var instance in instances)
        {
            var exe = File.ResolveLinkTarget($"/proc/{instance.Pid}/exe", returnFinalTarget: false)!.FullName;
            Assert.Equal(Path.Combine(stack.LocalDir, "run"), Path.GetDirectoryName(Path.GetDirectoryName(exe)));
            Assert.Equal("TradingApi", Path.GetFileName(exe));
            Assert.Equal([exe], instance.Argv);
        }
        foreach (var (module, server) in new[] { ("broker", "broker-"), ("datafeed", "datafeed-0") })
        {
            var health = await Http.GetAsync($"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/{module}/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.StartsWith(server, health.Headers.GetValues("X-Instance").Single());
        }
        var order = await Http.PostAsync($"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/broker/orders",
            new StringContent("""{"symbol":"AAPL","side":"buy","quantity":1}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, order.StatusCode);

        await stack.RunOkAsync("Stop");
        Assert.All(instances, p => Assert.Null(p.Identity.FindAlive()));
    }
}
