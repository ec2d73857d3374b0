namespace Orchestration.Benchmarks;

/// <summary>
/// What every measurement needs: the repository, the build program to drive as a user would
/// (<c>dotnet _build.dll Target --config …</c>), how many runs, the tools found, and where to log.
/// </summary>
public sealed record BenchmarkContext
{
    public required string RepoRoot { get; init; }

    /// <summary>The dotnet host that runs the build program (the running one's).</summary>
    public required string Dotnet { get; init; }

    /// <summary>The build program's dll (the running one's <c>_build.dll</c>).</summary>
    public required string BuildProgram { get; init; }

    /// <summary>The build program's Native AOT publish when it is current (what ./build.sh runs then), else null with <see cref="NativeMissing"/>.</summary>
    public string? NativeProgram { get; init; }
    public string? NativeMissing { get; init; }

    /// <summary>Where the JSON report goes (the target's default: <c>.local/bench/latest.json</c> under the repository).</summary>
    public required string JsonOutput { get; init; }

    /// <summary>One run of each measurement, shorter load: a smoke check.</summary>
    public bool Quick { get; init; }

    public required Action<string> Log { get; init; }

    /// <summary>The section keys to measure (<c>--benchmark-only</c>); null measures every one.</summary>
    public IReadOnlySet<string>? Only { get; init; }

    public bool Wants(string section) => Only is null || Only.Contains(section);

    /// <summary>wrk, or null with <see cref="WrkMissing"/> saying why.</summary>
    public string? Wrk { get; init; }
    public string? WrkMissing { get; init; }

    /// <summary>hyperfine, or null (then the bootstrap is timed in-process) with <see cref="HyperfineMissing"/> saying why.</summary>
    public string? Hyperfine { get; init; }
    public string? HyperfineMissing { get; init; }

    /// <summary>Runs of each lifecycle command (≥ 5; 1 with --quick).</summary>
    public int Runs => Quick ? 1 : 5;

    /// <summary>Seconds of load per wrk measurement.</summary>
    public int LoadSeconds => Quick ? 1 : 5;

    public string BundledProject => Path.Combine(RepoRoot, "src", "TradingApi", "TradingApi.csproj");

    /// <summary>The build program as ./build.sh runs it: native when current, else JIT.</summary>
    public BuildProgramRunner Cli(string configPath) =>
        NativeProgram is { } native ? new(native, [], RepoRoot, configPath) : JitCli(configPath);

    /// <summary>The JIT build program (<c>dotnet _build.dll</c>), for the before/after rows.</summary>
    public BuildProgramRunner JitCli(string configPath) => new(Dotnet, [BuildProgram], RepoRoot, configPath);
}
