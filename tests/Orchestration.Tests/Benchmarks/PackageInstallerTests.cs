using Orchestration.Packages;

namespace Orchestration.Tests.Benchmarks;

/// <summary>Installing the benchmark's tools, with PATH and commands faked.</summary>
public sealed class PackageInstallerTests
{
    private sealed class FakeMachine
    {
        public HashSet<string> OnPath { get; } = [];
        public List<string> Commands { get; } = [];
        public List<string> Log { get; } = [];
        public Func<IReadOnlyList<string>, int> ExitCode { get; set; } = _ => 0;

        public PackageInstaller Installer(bool root) => new(p => OnPath.FirstOrDefault(x => Path.GetFileName(x) == p), () => root, (argv, _, _) =>
        {
            Commands.Add(string.Join(' ', argv));
            var code = ExitCode(argv);
            if (code == 0 && argv is [_, "install", .., var package]) OnPath.Add("/usr/bin/" + package);
            return Task.FromResult((code, ""));
        }, Log.Add);
    }

    [Fact]
    public async Task Native_aot_links_with_gcc_when_there_is_no_clang_and_installs_clang_only_when_neither_is_there()
    {
        var gcc = new FakeMachine { OnPath = { "/usr/bin/gcc", "/usr/bin/apt-get" } };
        await Orchestration.Builds.PublishChoice.EnsureToolchainAsync(gcc.Installer(root: true), CancellationToken.None);
        Assert.Empty(gcc.Commands);

        var bare = new FakeMachine { OnPath = { "/usr/bin/apt-get" } };
        await Orchestration.Builds.PublishChoice.EnsureToolchainAsync(bare.Installer(root: true), CancellationToken.None);
        Assert.Equal(["/usr/bin/apt-get update", "/usr/bin/apt-get install -y --no-install-recommends clang"], bare.Commands);

        var user = new FakeMachine { OnPath = { "/usr/bin/apt-get" } };
        var refused = await Assert.ThrowsAsync<Orchestration.Builds.BackendBuildException>(() =>
            Orchestration.Builds.PublishChoice.EnsureToolchainAsync(user.Installer(root: false), CancellationToken.None));
        Assert.Contains("Native AOT needs a C linker", refused.Message);
        Assert.Contains("sudo apt-get install -y clang", refused.Message);
        Assert.Empty(user.Commands);
    }

    [Fact]
    public async Task A_tool_on_PATH_installs_nothing()
    {
        var m = new FakeMachine { OnPath = { "/usr/bin/wrk", "/usr/bin/apt-get" } };
        var result = await m.Installer(root: true).EnsureAsync("wrk", ["wrk"], CancellationToken.None);
        Assert.Equal(("/usr/bin/wrk", false), (result.Path, result.Installed));
        Assert.Empty(m.Commands);
    }

    [Fact]
    public async Task Root_installs_missing_tools_with_one_apt_get_update_and_says_so()
    {
        var m = new FakeMachine { OnPath = { "/usr/bin/apt-get" } };
        var installer = m.Installer(root: true);
        var wrk = await installer.EnsureAsync("wrk", ["wrk"], CancellationToken.None);
        var hyperfine = await installer.EnsureAsync("hyperfine", ["hyperfine"], CancellationToken.None);
        Assert.True(wrk.Installed && hyperfine.Installed);
        Assert.Equal(["/usr/bin/apt-get update", "/usr/bin/apt-get install -y --no-install-recommends wrk",
            "/usr/bin/apt-get install -y --no-install-recommends hyperfine"], m.Commands);
        Assert.Contains(m.Log, l => l.Contains("wrk is not installed; installing it with apt-get"));
    }

    [Fact]
    public async Task A_normal_user_gets_the_install_command_and_nothing_runs()
    {
        var m = new FakeMachine { OnPath = { "/usr/bin/apt-get" } };
        var result = await m.Installer(root: false).EnsureAsync("wrk", ["wrk"], CancellationToken.None);
        Assert.False(result.Found);
        Assert.Contains("`sudo apt-get install -y wrk`", result.Error);
        Assert.Empty(m.Commands);
    }

    [Fact]
    public async Task A_failed_install_is_an_error_naming_the_package()
    {
        var m = new FakeMachine { OnPath = { "/usr/bin/apt-get" }, ExitCode = argv => argv.Contains("install") ? 100 : 0 };
        var result = await m.Installer(root: true).EnsureAsync("hyperfine", ["hyperfine"], CancellationToken.None);
        Assert.False(result.Found);
        Assert.Contains("apt-get install -y hyperfine", result.Error);
    }
}
