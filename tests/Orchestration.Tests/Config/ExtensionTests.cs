using Orchestration.Config;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Config;

/// <summary>The fields we add to the guide's schema.</summary>
public sealed class ExtensionTests
{
    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Nginx_listen_takes_an_ip_address(string address)
    {
        Assert.Equal(address, Yaml.Valid($"nginx: {{listen: \"{address}\"}}\nservers: {{a: {{port: 8001}}}}").Nginx.Listen);
    }

    [Fact]
    public void Nginx_listen_rejects_a_non_address()
    {
        Yaml.SingleError("nginx: {listen: \"0.0.0.0:80\"}\nservers: {a: {port: 8001}}", "nginx.listen");
    }

    [Fact]
    public void A_command_expands_its_placeholders_per_instance()
    {
        var config = Yaml.Valid("servers:\n  py:\n    port: 9100\n    instances: 2\n    modules: [quotes]\n    command: [python3, app.py, --port, \"{port}\", \"--id={name}-{instance}\", --modules, \"{modules}\"]\n");
        var second = config.Instances.ElementAt(1);
        Assert.Equal(["python3", "app.py", "--port", "9101", "--id=py-1", "--modules", "core,quotes"], second.Server.ExpandCommand(second));
        Assert.False(second.Server.IsDotNetProject);
        Assert.Null(second.Server.Project);
    }

    [Fact]
    public void A_relative_command_program_resolves_against_the_config_folder()
    {
        using var dir = new TempDir();
        var config = ConfigLoader.LoadOrThrow(dir.Write("d.yaml", "servers:\n  a: {port: 8001, command: [./run.sh, \"{port}\"]}\n"));
        Assert.Equal(Path.Combine(dir.Path, "run.sh"), config.Servers[0].Command![0]);
        Assert.Equal(dir.Path, config.Servers[0].BaseDirectoryForWatch);
    }

    [Fact]
    public void A_misspelt_placeholder_is_rejected()
    {
        var error = Yaml.SingleError("servers:\n  a: {port: 8001, command: [app, \"{prot}\"]}\n", "servers.a.command[1]");
        Assert.Contains("did you mean {port}", error.Fix);
    }

    [Fact]
    public void Command_and_project_together_are_rejected()
    {
        Yaml.SingleError("servers:\n  a: {port: 8001, command: [app], project: x.csproj}\n", "servers.a.project");
    }

    [Fact]
    public void A_missing_project_is_rejected()
    {
        var error = Yaml.SingleError("servers:\n  a: {port: 8001, project: nowhere/App.csproj}\n", "servers.a.project");
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void The_bundled_project_is_the_default_for_a_server_without_command_or_project()
    {
        var config = Yaml.Valid("servers: {a: {port: 8001}}", new ConfigLoadOptions { BundledProject = "/repo/src/TradingApi/TradingApi.csproj" });
        Assert.Equal("/repo/src/TradingApi/TradingApi.csproj", config.Servers[0].Project);
        Assert.True(config.Servers[0].IsDotNetProject);
        Assert.Equal("/repo/src/TradingApi", config.Servers[0].BaseDirectoryForWatch);
    }

    [Fact]
    public void Env_and_watch_are_read()
    {
        var config = Yaml.Valid("servers:\n  a:\n    port: 8001\n    command: [app]\n    env: {LOG_LEVEL: debug, EMPTY: , N: 3}\n    watch: [\"**/*.py\", \"conf/*.toml\"]\n");
        Assert.Equal(new Dictionary<string, string> { ["LOG_LEVEL"] = "debug", ["EMPTY"] = "", ["N"] = "3" }, config.Servers[0].Env);
        Assert.Equal(["**/*.py", "conf/*.toml"], config.Servers[0].Watch);
    }

    [Fact]
    public void Env_names_must_be_identifiers()
    {
        Yaml.SingleError("servers:\n  a: {port: 8001, env: {\"BAD-NAME\": x}}\n", "servers.a.env.BAD-NAME");
    }

    [Fact]
    public void Health_and_stop_timeout_are_read()
    {
        var config = Yaml.Valid("servers: {a: {port: 8001}}\nhealth: {attempts: 5, interval: 0.25, timeout: 1}\nstop_timeout: 7.5\n");
        Assert.Equal(new HealthSettings { Attempts = 5, IntervalSeconds = 0.25, TimeoutSeconds = 1 }, config.Health);
        Assert.Equal(7.5, config.StopTimeout);
    }

    [Theory]
    [InlineData("health: {attempts: 0}", "health.attempts")]
    [InlineData("health: {interval: 0}", "health.interval")]
    [InlineData("health: {timeout: soon}", "health.timeout")]
    [InlineData("stop_timeout: -1", "stop_timeout")]
    public void Health_and_stop_timeout_must_be_positive(string line, string path)
    {
        Yaml.SingleError($"servers: {{a: {{port: 8001}}}}\n{line}\n", path);
    }

    [Fact]
    public void Relative_paths_resolve_against_the_config_folder()
    {
        using var dir = new TempDir();
        var config = ConfigLoader.LoadOrThrow(dir.Write("conf/d.yaml", "servers: {a: {port: 8001}}\nlocal_dir: ../state\nnginx: {binary: bin/nginx}\n"));
        Assert.Equal(Path.Combine(dir.Path, "state"), config.LocalDir);
        Assert.Equal(Path.Combine(dir.Path, "conf", "bin", "nginx"), config.Nginx.Binary);
        Assert.Equal(Path.Combine(dir.Path, "conf"), config.BaseDirectory);
        Assert.Equal(Path.Combine(dir.Path, "conf", "d.yaml"), config.ConfigPath);
    }

    [Fact]
    public void A_bare_nginx_binary_name_is_left_for_a_PATH_search()
    {
        Assert.Equal("openresty", Yaml.Valid("nginx: {binary: openresty}\nservers: {a: {port: 8001}}").Nginx.Binary);
    }

    [Fact]
    public void A_local_dir_nginx_cannot_quote_is_rejected()
    {
        Yaml.SingleError("servers: {a: {port: 8001}}\nlocal_dir: \"state;x\"\n", "local_dir");
    }

    [Fact]
    public void Paths_under_local_dir_follow_the_layout()
    {
        var config = Yaml.Valid("servers: {a: {port: 8001}}\nlocal_dir: /srv/x\n");
        Assert.Equal("/srv/x/logs/nginx-error.log", config.Paths.NginxErrorLog);
        Assert.Equal("/srv/x/pids/a-0.pid", config.Paths.PidFileFor("a-0"));
    }
}
