using System.Text.Json.Nodes;
using Orchestration.Specs;

namespace Integration.Tests.Specs;

/// <summary>Watch mode on a copy of the bundled backend: an endpoint edit reaches the specs, the clients and the gateway.</summary>
public sealed class SpecWatchTests
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task An_endpoint_edit_under_watch_mode_updates_the_spec_file_the_clients_and_the_gateway_within_the_reload_and_starts_no_other_reload()
    {
        // The specs live inside the watched project folder: a write of theirs that started a reload would loop.
        await using var stack = new TestStack(p => $"""
            nginx:
              port: {p.Gateway}
            servers:
              broker:
                port: {p[1]}
                modules: [core, broker]
                reload: true
                project: ./app/TradingApi.csproj
            websocket_routes:
              broker: broker
            specs:
              output: app/api-specs
              clients: app/generated
            health:
              attempts: 120
              interval: 0.25
              timeout: 2
            stop_timeout: 2
            """);
        var app = Path.Combine(stack.Directory, "app");
        CopyBackend(app);
        // A cold Release build of the copy first: more than the usual Start budget on a busy machine.
        var start = await stack.RunAsync(["Start"], TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.True(start.ExitCode == 0, start.ToString());
        var spec = Path.Combine(app, "api-specs", "broker", "v1", "openapi.json");
        Assert.True(File.Exists(spec), "Start wrote no broker spec");

        // The clients, made once (as ./build.sh GenerateClients does): from now on reloads keep them current.
        var layout = SpecLayout.For(Orchestration.Config.ConfigLoader.LoadOrThrow(stack.ConfigPath), NpmFolder.ClientTools);
        var clients = new ClientGenerator(layout, _ => { });
        Assert.True((await clients.GenerateAsync(force: false, CancellationToken.None)).Generated);

        var module = Path.Combine(app, "Broker", "BrokerModule.cs");
        var code = File.ReadAllText(module);
        const string anchor = "public void MapEndpoints(RouteGroupBuilder group)\n    {\n";
        Assert.Contains(anchor, code);
        File.WriteAllText(module, code.Replace(anchor, anchor +
            "        group.MapGet(\"/watch-probe\", () => \"probe\").WithName(\"broker_watch_probe\").WithSummary(\"Added by the watch test\");\n"));

        await WaitForAsync(() => stack.UnifiedText.Contains("Reload ok", StringComparison.Ordinal) ||
                                 stack.UnifiedText.Contains("Reload build failed", StringComparison.Ordinal), TimeSpan.FromMinutes(4), stack);
        Assert.Contains("Reload ok", stack.UnifiedText);
        // Within the reload: written before the reload is reported done.
        Assert.Contains("/api/v1/broker/watch-probe", File.ReadAllText(spec));
        Assert.Contains("WatchProbeAsync", File.ReadAllText(clients.CSharpPath));
        Assert.Contains("/api/v1/broker/watch-probe", File.ReadAllText(clients.TypeScriptPath));
        var merged = JsonNode.Parse(await Http.GetStringAsync($"http://127.0.0.1:{stack.Ports.Gateway}/api/openapi.json"))!;
        Assert.NotNull(merged["paths"]!["/api/v1/broker/watch-probe"]);
        Assert.Equal("probe", await Http.GetStringAsync($"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/broker/watch-probe"));

        // The spec files and clients written under the watched folder started no reload of their own.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var changes = stack.UnifiedLines.Where(l => l.Contains("Change for broker", StringComparison.Ordinal)).ToList();
        Assert.True(changes.Count == 1, "one reload expected, the supervisor said:\n" + string.Join("\n", changes));
    }

    /// <summary>The bundled backend's sources and the repository's build settings, without build output.</summary>
    private static void CopyBackend(string target)
    {
        var source = Path.Combine(Repo.Root, "src", "TradingApi");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.Split('/')[0] is "bin" or "obj" or "bench") continue;
            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
        foreach (var name in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json" })
            if (File.Exists(Path.Combine(Repo.Root, name))) File.Copy(Path.Combine(Repo.Root, name), Path.Combine(Path.GetDirectoryName(target)!, name));
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan limit, TestStack stack)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not reached within {limit.TotalSeconds:0} s; the unified log ends:\n{TestStack.Tail(stack.UnifiedLog, 40)}");
            await Task.Delay(200);
        }
    }
}
