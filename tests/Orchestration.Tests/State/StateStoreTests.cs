using Orchestration.Config;
using Orchestration.State;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.State;

public sealed class StateStoreTests
{
    private static ProcessRecord Record(string name, int pid, ProcessStatus status, ProcessKind kind = ProcessKind.Instance) => new()
    {
        Name = name, Kind = kind, Pid = pid, ProcessGroup = pid, StartTicks = 42, Argv = ["dotnet", "x.dll"], Status = status, Port = 8001,
    };

    [Fact]
    public void Saving_writes_state_json_and_one_pid_file_per_live_process_holding_the_pid_alone()
    {
        using var dir = new TempDir();
        var store = new StateStore(new LocalPaths(Path.Combine(dir.Path, ".local")));
        var state = new DeploymentState
        {
            Supervisor = Record("supervisor", 100, ProcessStatus.Running, ProcessKind.Supervisor),
            ConfigPath = "/x/dev-config.yaml", StartedAt = DateTimeOffset.Now,
            Processes = [Record("broker-0", 101, ProcessStatus.Running), Record("datafeed-0", 102, ProcessStatus.Exited)],
        };

        store.Save(state);

        Assert.Equal("101\n", File.ReadAllText(store.Paths.PidFileFor("broker-0")));
        Assert.Equal("100\n", File.ReadAllText(store.Paths.PidFileFor("supervisor")));
        Assert.False(File.Exists(store.Paths.PidFileFor("datafeed-0")));
        var loaded = store.Load()!;
        Assert.Equal(state.Processes.Select(p => (p.Name, p.Pid, p.Status)), loaded.Processes.Select(p => (p.Name, p.Pid, p.Status)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Paths.State));
        Assert.DoesNotContain(Directory.EnumerateFiles(store.Paths.Root), f => f.EndsWith(".tmp", StringComparison.Ordinal));

        store.Clear();

        Assert.Null(store.Load());
        Assert.Empty(Directory.EnumerateFiles(store.Paths.Pids));
    }

    [Fact]
    public void A_damaged_state_file_reads_as_nothing_recorded()
    {
        using var dir = new TempDir();
        var store = new StateStore(new LocalPaths(dir.Path));
        File.WriteAllText(store.Paths.State, "{ not json");
        Assert.Null(store.Load());
    }
}
