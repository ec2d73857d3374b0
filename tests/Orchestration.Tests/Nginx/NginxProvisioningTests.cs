using Orchestration.Config;
using Orchestration.Nginx;

namespace Orchestration.Tests.Nginx;

/// <summary>Finding and installing nginx, with PATH, variables, files and commands injected.</summary>
public sealed class NginxProvisioningTests
{
    private sealed class FakeMachine
    {
        public Dictionary<string, string> Env { get; } = new() { ["PATH"] = "/usr/local/bin:/usr/bin:/bin" };
        public HashSet<string> Executables { get; } = [];
        public List<string> Commands { get; } = [];
        public List<string> Log { get; } = [];
        public Func<IReadOnlyList<string>, int> ExitCode { get; set; } = _ => 0;
        public string? InstallsTo { get; set; }

        public NginxLocator Locator => new(name => Env.GetValueOrDefault(name), Executables.Contains);

        public NginxInstaller Installer(bool root) => new(Locator, () => root, (argv, env, _) =>
        {
            Commands.Add($"{string.Join(' ', env.Select(e => $"{e.Key}={e.Value}"))} {string.Join(' ', argv)}");
            var code = ExitCode(argv);
            if (code == 0 && argv.Contains("install") && InstallsTo is not null) Executables.Add(InstallsTo);
            return Task.FromResult((code, ""));
        }, Log.Add);
    }

    [Fact]
    public void The_configured_binary_comes_first()
    {
        var m = new FakeMachine { Executables = { "/opt/nginx/nginx", "/usr/sbin/nginx" } };
        m.Env["NGINX_BINARY"] = "/usr/sbin/nginx";
        Assert.Equal("/opt/nginx/nginx", m.Locator.Locate("/opt/nginx/nginx"));
    }

    [Fact]
    public void The_variable_comes_before_PATH()
    {
        var m = new FakeMachine { Executables = { "/custom/nginx", "/usr/bin/nginx" } };
        m.Env["NGINX_BINARY"] = "/custom/nginx";
        Assert.Equal("/custom/nginx", m.Locator.Locate(null));
    }

    [Fact]
    public void PATH_comes_before_the_usual_places_in_its_own_order()
    {
        var m = new FakeMachine { Executables = { "/usr/bin/nginx", "/bin/nginx", "/usr/sbin/nginx" } };
        Assert.Equal("/usr/bin/nginx", m.Locator.Locate(null));
    }

    [Theory]
    [InlineData("/usr/sbin/nginx")]
    [InlineData("/usr/local/nginx/sbin/nginx")]
    public void The_usual_places_are_searched_last(string place)
    {
        var m = new FakeMachine { Executables = { place } };
        Assert.Equal(place, m.Locator.Locate(null));
    }

    [Fact]
    public void A_missing_explicit_binary_is_not_replaced_by_another_nginx()
    {
        var m = new FakeMachine { Executables = { "/usr/sbin/nginx" } };
        Assert.Null(m.Locator.Locate("/opt/missing/nginx"));
        Assert.Contains("nginx.binary in the config is '/opt/missing/nginx'", m.Locator.Describe("/opt/missing/nginx"));
    }

    [Fact]
    public void A_bare_configured_name_is_searched_on_PATH()
    {
        var m = new FakeMachine { Executables = { "/usr/bin/openresty" } };
        Assert.Equal("/usr/bin/openresty", m.Locator.Locate("openresty"));
    }

    [Fact]
    public void The_real_machine_has_an_nginx()
    {
        Assert.NotNull(NginxLocator.Find(null));
    }

    [Fact]
    public async Task A_found_nginx_installs_nothing()
    {
        var m = new FakeMachine { Executables = { "/usr/sbin/nginx", "/usr/bin/apt-get" } };
        var result = await m.Installer(root: true).EnsureAsync(null, CancellationToken.None);
        Assert.Equal(("/usr/sbin/nginx", false), (result.Binary, result.Installed));
        Assert.Empty(m.Commands);
    }

    [Fact]
    public async Task Root_with_apt_get_installs_nginx_light_noninteractively_and_says_so()
    {
        var m = new FakeMachine { Executables = { "/usr/bin/apt-get" }, InstallsTo = "/usr/sbin/nginx" };
        var result = await m.Installer(root: true).EnsureAsync(null, CancellationToken.None);
        Assert.Equal(("/usr/sbin/nginx", true), (result.Binary, result.Installed));
        Assert.Equal(["DEBIAN_FRONTEND=noninteractive /usr/bin/apt-get update",
            "DEBIAN_FRONTEND=noninteractive /usr/bin/apt-get install -y --no-install-recommends nginx-light"], m.Commands);
        Assert.Contains(m.Log, l => l.Contains("installing it with apt-get"));
    }

    [Fact]
    public async Task When_nginx_light_is_not_available_the_nginx_package_is_tried()
    {
        var m = new FakeMachine { Executables = { "/usr/bin/apt-get" }, InstallsTo = "/usr/sbin/nginx" };
        m.ExitCode = argv => argv.Contains("nginx-light") ? 100 : 0;
        var result = await m.Installer(root: true).EnsureAsync(null, CancellationToken.None);
        Assert.True(result.Installed);
        Assert.EndsWith("install -y --no-install-recommends nginx", m.Commands[^1]);
    }

    [Fact]
    public async Task A_failed_install_is_a_clear_error()
    {
        var m = new FakeMachine { Executables = { "/usr/bin/apt-get" } };
        m.ExitCode = argv => argv.Contains("install") ? 100 : 0;
        var result = await m.Installer(root: true).EnsureAsync(null, CancellationToken.None);
        Assert.False(result.Found);
        Assert.Contains("apt-get install -y nginx-light", result.Error);
    }

    [Theory]
    [InlineData("/usr/bin/apt-get", "sudo apt-get install -y nginx-light")]
    [InlineData("/usr/bin/dnf", "sudo dnf install -y nginx")]
    [InlineData("/sbin/apk", "sudo apk add nginx")]
    [InlineData("/usr/local/bin/brew", "brew install nginx")]
    public async Task A_normal_user_gets_the_install_command_for_the_system(string packageManager, string command)
    {
        var m = new FakeMachine { Executables = { packageManager } };
        m.Env["PATH"] += ":/sbin";
        var result = await m.Installer(root: false).EnsureAsync(null, CancellationToken.None);
        Assert.False(result.Found);
        Assert.Contains($"`{command}`", result.Error);
        Assert.Empty(m.Commands);
    }

    [Fact]
    public async Task A_missing_explicit_binary_is_an_error_without_an_install()
    {
        var m = new FakeMachine { Executables = { "/usr/bin/apt-get" }, InstallsTo = "/usr/sbin/nginx" };
        m.Env["NGINX_BINARY"] = "/nowhere/nginx";
        var result = await m.Installer(root: true).EnsureAsync(null, CancellationToken.None);
        Assert.False(result.Found);
        Assert.Contains("NGINX_BINARY is '/nowhere/nginx'", result.Error);
        Assert.Empty(m.Commands);
    }

    [Fact]
    public void Commands_run_nginx_in_the_foreground_with_every_path_under_local_dir()
    {
        var paths = new LocalPaths("/srv/x/.local");
        Assert.Equal(["/usr/sbin/nginx", "-c", "/srv/x/.local/nginx.conf", "-p", "/srv/x/.local/", "-e", "/srv/x/.local/logs/nginx-error.log", "-g", "daemon off;"],
            NginxCommands.Foreground("/usr/sbin/nginx", paths.NginxConf, paths));
        Assert.Equal(["/usr/sbin/nginx", "-t", "-q", "-c", "/tmp/out.conf", "-p", "/srv/x/.local/", "-e", "/srv/x/.local/logs/nginx-error.log"],
            NginxCommands.Test("/usr/sbin/nginx", "/tmp/out.conf", paths));
    }
}

public sealed class NginxVersionTests
{
    [Theory]
    [InlineData("nginx version: nginx/1.22.1", "1.22.1", true)]
    [InlineData("nginx version: nginx/1.18.0 (Ubuntu)", "1.18.0", false)]
    [InlineData("nginx version: openresty/1.25.3.1", "1.25.3", true)]
    [InlineData("nginx version: nginx/1.19.5", "1.19.5", true)]
    public void The_version_decides_whether_dash_e_is_passed(string output, string version, bool supported)
    {
        var parsed = NginxVersion.Parse(output);
        Assert.Equal(new Version(version), parsed);
        Assert.Equal(supported, NginxVersion.SupportsErrorLogFlag(parsed));
        Assert.Equal(supported, NginxCommands.Test("nginx", "/c", new Orchestration.Config.LocalPaths("/l"), supported).Contains("-e"));
    }

    [Fact]
    public async Task The_installed_nginx_reports_its_version()
    {
        var version = await NginxVersion.ProbeAsync(Orchestration.Tests.Support.TestNginx.Binary, CancellationToken.None);
        Assert.NotNull(version);
        Assert.True(version >= new Version(1, 0));
    }
}
