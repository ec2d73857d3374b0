using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using Orchestration.Processes;
using Orchestration.State;

namespace Integration.Tests;

/// <summary>The outcome of one run of the build program, with everything needed to explain a failure.</summary>
public sealed record RunResult(int ExitCode, string Output, TimeSpan Elapsed, string StandardOutput = "")
{
    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.00} s\n{Output}";
}

/// <summary>
/// A deployment in a temp folder with ports picked at run time, driven through the real build
/// program (<c>dotnet _build.dll Start --config …</c>) exactly as a user would. Disposing it stops
/// everything it started and then, as a last resort, ends whatever state.json still proves ours.
/// </summary>
public sealed class TestStack : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    public TestStack(Func<TestPorts, string> yaml, int portCount = 4)
    {
        Directory = Path.Combine("/tmp", "orch-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(Directory);
        Ports = TestPorts.Pick(portCount);
        ConfigPath = Path.Combine(Directory, "dev-config.yaml");
        File.WriteAllText(ConfigPath, yaml(Ports));
    }

    public string Directory { get; }
    public string ConfigPath { get; }

    /// <summary>The build program's Native AOT publish to run instead of the JIT one (<see cref="Repo.NativeBuildProgram"/>).</summary>
    public string? NativeProgram { get; init; }
    public TestPorts Ports { get; }
    public string LocalDir => Path.Combine(Directory, ".local");
    public string UnifiedLog => Path.Combine(LocalDir, "logs", "backend-unified.log");

    /// <summary>The build program every command runs (a test of the supervisor's hand-over points it at another build).</summary>
    public string Program { get; set; } = Repo.BuildProgram;

    /// <summary>The unified log's lines across its rotations, oldest first: a busy test can pass the 10 MB rotation size.</summary>
    public IEnumerable<string> UnifiedLines =>
        Orchestration.Logs.LogRotation.Generations(UnifiedLog, 100).SelectMany(File.ReadLines);

    public string UnifiedText => string.Join('\n', UnifiedLines);

    public Task<RunResult> RunAsync(params string[] args) => RunAsync(args, CancellationToken.None);

    public Task<RunResult> RunAsync(string[] args, CancellationToken cancellationToken) => RunAsync(args, CommandTimeout, cancellationToken);

    /// <summary>Runs the build program with a timeout of its own (a first DeploySwarm builds a base image).</summary>
    public async Task<RunResult> RunAsync(string[] args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var clock = Stopwatch.StartNew();
        var result = await Cli.Wrap(NativeProgram ?? "dotnet")
            .WithArguments(NativeProgram is null ? [Program, .. args, "--config", ConfigPath] : [.. args, "--config", ConfigPath])
            .WithWorkingDirectory(Repo.Root)
            .WithEnvironmentVariables(e => e.Set("NO_COLOR", "1").Set("TERM", "dumb"))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Encoding.UTF8, cts.Token);
        return new RunResult(result.ExitCode, result.StandardOutput + result.StandardError, clock.Elapsed, result.StandardOutput);
    }

    /// <summary>Runs a target and fails the test with its output and the unified log when it does not exit 0.</summary>
    public async Task<RunResult> RunOkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', args)} failed: {result}\n--- unified log ---\n{Tail(UnifiedLog, 60)}");
        return result;
    }

    public DeploymentState? State =>
        File.Exists(Path.Combine(LocalDir, "state.json"))
            ? JsonSerializer.Deserialize<DeploymentState>(File.ReadAllText(Path.Combine(LocalDir, "state.json")), StateJson.Options)
            : null;

    /// <summary>SIGKILLs the supervisor (as a crash would) and waits until it is gone; returns the state it left.</summary>
    public async Task<DeploymentState> KillSupervisorAsync()
    {
        var state = State ?? throw new InvalidOperationException("nothing is running");
        Posix.Kill(state.Supervisor.Pid, Posix.SIGKILL);
        for (var i = 0; i < 100 && state.Supervisor.Identity.FindAlive() is not null; i++) await Task.Delay(20);
        return state;
    }

    public static string Tail(string path, int lines) =>
        File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(lines)) : $"({path} does not exist)";

    public async ValueTask DisposeAsync()
    {
        var state = State;
        try
        {
            if (state is not null || File.Exists(Path.Combine(LocalDir, "supervisor.sock"))) await RunAsync("Stop", "--timeout", "1");
        }
        finally
        {
            // Last resort: whatever is still recorded and provably ours ends now, by group.
            var left = State ?? state;
            if (left is not null)
            {
                foreach (var p in left.Processes.Append(left.Supervisor))
                {
                    if (p.Identity.FindAlive() is not null) Posix.KillGroup(p.ProcessGroup, Posix.SIGKILL);
                }
            }
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

/// <summary>Free ports picked at run time: the gateway first, then one block per server.</summary>
public sealed record TestPorts(IReadOnlyList<int> All)
{
    public int Gateway => All[0];
    public int this[int i] => All[i];

    /// <summary>Picks ports whose next few neighbours are free too, since instance i listens on port + i.</summary>
    public static TestPorts Pick(int count) => new(PortProbe.PickFreeBlocks(Enumerable.Repeat(3, count).ToList()));
}

/// <summary>Where the repository and the build program are.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string BuildProgram => Path.Combine(AppContext.BaseDirectory, "_build.dll");

    /// <summary>The build program's Native AOT publish, made by <c>./build.sh Test</c> (or PublishBuildProgram) before the tests.</summary>
    public static string NativeBuildProgram
    {
        get
        {
            var path = Path.Combine(Root, ".nuke", "temp", "native", "_build");
            Assert.True(File.Exists(path), $"{path} is missing: the tests compare it with the JIT program; run ./build.sh PublishBuildProgram (./build.sh Test does).");
            return path;
        }
    }

    private static string FindRoot()
    {
        for (var dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "Orchestration.sln"))) return dir;
        }
        throw new InvalidOperationException("Orchestration.sln not found above " + AppContext.BaseDirectory);
    }
}
