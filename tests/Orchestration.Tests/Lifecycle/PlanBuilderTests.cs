using Orchestration.Config;
using Orchestration.Lifecycle;
using Orchestration.Tests.Config;

namespace Orchestration.Tests.Lifecycle;

public sealed class PlanBuilderTests
{
    private static readonly Dictionary<string, string> Built = new() { ["broker"] = "/b/TradingApi.dll", ["datafeed"] = "/b/TradingApi.dll" };

    [Fact]
    public void Each_instance_gets_its_modules_name_address_and_the_servers_env()
    {
        var config = Yaml.Valid("""
            nginx: { port: 8000 }
            servers:
              broker:
                port: 8001
                instances: 2
                modules: [broker]
                env: { FEATURE_X: "on" }
            """, new ConfigLoadOptions { BundledProject = "/repo/src/TradingApi/TradingApi.csproj" });

        var plan = PlanBuilder.Build(config, "/usr/sbin/nginx", Built, "/usr/bin/dotnet");

        var second = plan.Instances[1];
        Assert.Equal("broker-1", second.Process.Name);
        Assert.Equal(8002, second.Port);
        Assert.Equal(["/usr/bin/dotnet", "/b/TradingApi.dll"], second.Process.Argv);
        Assert.Equal("core,broker", second.Process.Environment["ENABLED_MODULES"]);
        Assert.Equal("broker-1", second.Process.Environment["INSTANCE_NAME"]);
        Assert.Equal("http://127.0.0.1:8002", second.Process.Environment["ASPNETCORE_URLS"]);
        Assert.Equal("/api/v1", second.Process.Environment["API_BASE_URL"]);
        Assert.Equal("on", second.Process.Environment["FEATURE_X"]);
        Assert.Equal("/b", second.Process.WorkingDirectory);
        Assert.Equal(["/usr/sbin/nginx", "-c", config.Paths.NginxConf, "-p", config.Paths.Root + "/", "-e", config.Paths.NginxErrorLog, "-g", "daemon off;"], plan.Nginx.Argv);
    }

    [Fact]
    public void A_native_aot_build_is_run_as_the_program_itself_from_its_folder()
    {
        var config = Yaml.Valid("""
            nginx: { port: 8000 }
            servers:
              broker: { port: 8001, modules: [broker], reload: false }
            """, new ConfigLoadOptions { BundledProject = "/repo/src/TradingApi/TradingApi.csproj" });

        var plan = PlanBuilder.Build(config, "/usr/sbin/nginx", new Dictionary<string, string> { ["broker"] = "/aot/TradingApi" }, "/usr/bin/dotnet");

        var instance = Assert.Single(plan.Instances);
        Assert.Equal(["/aot/TradingApi"], instance.Process.Argv);
        Assert.Equal("/aot", instance.Process.WorkingDirectory);
        Assert.Equal("broker-0", instance.Process.Environment["INSTANCE_NAME"]);
        Assert.Null(instance.ArgvTemplate);
    }

    [Fact]
    public void A_command_server_expands_its_placeholders_and_keeps_port_open_for_a_replacement()
    {
        var config = Yaml.Valid("""
            nginx: { port: 8000 }
            servers:
              api:
                port: 9001
                instances: 2
                modules: [core, pricing]
                command: ["python3", "-m", "app", "--port", "{port}", "--name", "{name}-{instance}", "--modules", "{modules}"]
                reload: true
                watch: ["**/*.py"]
            """);

        var plan = PlanBuilder.Build(config, "nginx", new Dictionary<string, string>(), "dotnet");

        Assert.Equal(["python3", "-m", "app", "--port", "9002", "--name", "api-1", "--modules", "core,pricing"], plan.Instances[1].Process.Argv);
        Assert.Equal(["python3", "-m", "app", "--port", "{port}", "--name", "api-1", "--modules", "core,pricing"], plan.Instances[1].ArgvTemplate);
        var watch = Assert.Single(plan.Watch);
        Assert.Equal(["api"], watch.Servers);
        Assert.Null(watch.Project);
        Assert.Equal(["**/*.py"], watch.Include);
    }

    [Fact]
    public void Servers_running_one_project_share_one_watcher_and_one_build()
    {
        var config = Yaml.Valid(Yaml.TwoServers, new ConfigLoadOptions { BundledProject = "/repo/src/TradingApi/TradingApi.csproj" });

        var plan = PlanBuilder.Build(config, "nginx", Built, "dotnet");

        var watch = Assert.Single(plan.Watch);
        Assert.Equal(["broker", "datafeed"], watch.Servers);
        Assert.Equal("/repo/src/TradingApi/TradingApi.csproj", watch.Project);
        Assert.Equal("/repo/src/TradingApi", watch.Directory);
    }

    [Fact]
    public void Reload_false_watches_nothing()
    {
        var yaml = Yaml.TwoServers.Replace("modules: [core, broker]", "modules: [core, broker]\n    reload: false")
            .Replace("modules: [core, datafeed]", "modules: [core, datafeed]\n    reload: false");
        var config = Yaml.Valid(yaml, new ConfigLoadOptions { BundledProject = "/p/TradingApi.csproj" });

        var one = PlanBuilder.Build(config, "nginx", Built, "dotnet");
        var two = PlanBuilder.Build(config, "nginx", Built, "dotnet");

        Assert.Empty(one.Watch);
        Assert.Equal(one.ConfigHash, two.ConfigHash);
    }

    [Fact]
    public void A_comment_or_whitespace_edit_keeps_the_fingerprint_and_a_real_change_does_not()
    {
        var options = new ConfigLoadOptions { BundledProject = "/p/TradingApi.csproj" };
        using var dir = new Orchestration.Tests.Support.TempDir();
        string Fingerprint(string yaml) => ConfigFingerprint.Of(ConfigLoader.Load(dir.Write("deploy.yaml", yaml), options).Config!);

        var original = Fingerprint(Yaml.TwoServers);
        var commented = Fingerprint("# the team's stack\n" + Yaml.TwoServers.Replace("\n", "   \n") + "\n\n");
        var changed = Fingerprint(Yaml.TwoServers + "\nstop_timeout: 7\n");

        Assert.Equal(original, commented);
        Assert.NotEqual(original, changed);
    }
}
