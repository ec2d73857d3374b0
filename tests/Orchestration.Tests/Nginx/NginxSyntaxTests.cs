using Orchestration.Config;
using Orchestration.Nginx;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Nginx;

/// <summary>The real <c>nginx -t</c> accepts every config we generate.</summary>
public sealed class NginxSyntaxTests
{
    [Theory]
    [MemberData(nameof(GoldenTests.Deployments), MemberType = typeof(GoldenTests))]
    public async Task Nginx_accepts_every_golden_file(string name)
    {
        using var dir = new TempDir();
        var local = Path.Combine(dir.Path, ".local");
        var text = File.ReadAllText(GoldenTests.GoldenPath(name)).Replace(GoldenTests.FixedLocalDir, local, StringComparison.Ordinal);
        var paths = new LocalPaths(local);
        // As root, as the product runs it: workers as an unprivileged account (the temp dir is passable under /tmp).
        var workers = Orchestration.Processes.Posix.IsRoot ? new NginxWorkers(Orchestration.Processes.UnixAccount.Find("www-data") is null ? "nobody" : "www-data", paths.Temp) : NginxWorkers.Caller(paths);
        if (workers.User is { } user) text = text.Replace("worker_processes", $"user {user};\nworker_processes", StringComparison.Ordinal);
        Orchestration.IO.AtomicFile.WriteAllText(paths.NginxConf, text);

        var result = await NginxValidator.ValidateAsync(TestNginx.Binary, paths.NginxConf, paths, workers, CancellationToken.None);

        Assert.True(result.Success, result.ToString());
    }

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        foreach (var seed in Enumerable.Range(1, 20)) data.Add(seed);
        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Nginx_accepts_the_config_of_a_random_valid_deployment(int seed)
    {
        using var dir = new TempDir();
        var yaml = RandomDeployment.Yaml(seed, ".local");
        var result = ConfigLoader.Load(dir.Write("deploy.yaml", yaml));
        Assert.True(result.IsValid, $"seed {seed} made an invalid config:\n{result.ErrorText}\n{yaml}");

        var check = await TestNginx.RenderAndTestAsync(result.Config!);

        Assert.True(check.Success, $"seed {seed}: {check}\n{yaml}\n{File.ReadAllText(result.Config!.Paths.NginxConf)}");
    }

    [Fact]
    public void The_random_deployments_cover_both_strategies_and_one_to_four_servers()
    {
        var configs = Enumerable.Range(1, 20).Select(seed =>
        {
            using var dir = new TempDir();
            return ConfigLoader.LoadOrThrow(dir.Write("d.yaml", RandomDeployment.Yaml(seed, ".local")));
        }).ToList();
        Assert.Equal([RoutingStrategy.Path, RoutingStrategy.QueryParam], configs.Select(c => c.WebSocket.RoutingStrategy).Distinct().Order());
        Assert.Equal([1, 2, 3, 4], configs.Select(c => c.Servers.Count).Distinct().Order());
        Assert.Equal([1, 2, 3], configs.SelectMany(c => c.Servers).Select(s => s.Instances).Distinct().Order());
        Assert.Contains(configs, c => c.Nginx.WorkerProcesses == "auto");
        Assert.Contains(configs, c => c.WebSocketRoutes.Count > 0 && c.WebSocket.RoutingStrategy == RoutingStrategy.QueryParam);
    }

    [Fact]
    public async Task A_broken_config_fails_with_nginx_own_message()
    {
        using var dir = new TempDir();
        var paths = new LocalPaths(Path.Combine(dir.Path, ".local"));
        Orchestration.IO.AtomicFile.WriteAllText(paths.NginxConf, "events {}\nhttp { server { listen 127.0.0.1:1; bogus_directive on; } }\n");

        var result = await NginxValidator.ValidateAsync(TestNginx.Binary, paths.NginxConf, CancellationToken.None);

        Assert.False(result.Success);
        Assert.Contains("unknown directive \"bogus_directive\"", result.Message);
    }

    [Fact]
    public async Task A_missing_binary_is_a_failed_result_not_an_exception()
    {
        using var dir = new TempDir();
        var paths = new LocalPaths(Path.Combine(dir.Path, ".local"));
        Orchestration.IO.AtomicFile.WriteAllText(paths.NginxConf, "events {}\n");

        var result = await NginxValidator.ValidateAsync(Path.Combine(dir.Path, "no-nginx"), paths.NginxConf, CancellationToken.None);

        Assert.False(result.Success);
        Assert.Contains("no-nginx", result.Message);
    }

    [Fact]
    public void Validation_creates_the_folders_nginx_needs_owner_only()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDir();
        var paths = new LocalPaths(Path.Combine(dir.Path, ".local"));
        NginxDirectories.Ensure(paths);
        foreach (var folder in new[] { paths.Root, paths.Logs, paths.Temp }.Concat(NginxDirectories.TempKinds.Select(k => Path.Combine(paths.Temp, k))))
            Assert.Equal(Orchestration.IO.PrivateDirectory.OwnerOnly, File.GetUnixFileMode(folder));
    }
}
