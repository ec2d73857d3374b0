using System.Diagnostics;
using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace Orchestration.Benchmarks;

/// <summary>One run of the build program: exit code, combined output and wall time including process startup.</summary>
public sealed record CliRun(string Target, int ExitCode, string Output, TimeSpan Elapsed)
{
    public bool Ok => ExitCode == 0;

    /// <summary>Throws with the output when the run failed (a benchmark of a failing command means nothing).</summary>
    public CliRun EnsureOk(params int[] alsoOk)
    {
        if (Ok || alsoOk.Contains(ExitCode)) return this;
        throw new BenchmarkException($"`{Target}` exited with {ExitCode} after {Elapsed.TotalSeconds:0.00} s:\n{LastLines(Output, 30)}");
    }

    private static string LastLines(string text, int count) =>
        string.Join('\n', text.Split('\n').TakeLast(count));
}

/// <summary>Runs targets of the build program against one config, from the repository root, as a user would.</summary>
/// <param name="program">The native build program, or dotnet with <paramref name="prefix"/> the dll.</param>
public sealed class BuildProgramRunner(string program, IReadOnlyList<string> prefix, string workingDirectory, string configPath)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);

    public async Task<CliRun> RunAsync(string target, IReadOnlyList<string>? extra, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(CommandTimeout);
        var clock = Stopwatch.StartNew();
        var result = await CliWrap.Cli.Wrap(program)
            .WithArguments([.. prefix, target, .. extra ?? [], "--config", configPath])
            .WithWorkingDirectory(workingDirectory)
            .WithEnvironmentVariables(e => e.Set("NO_COLOR", "1").Set("TERM", "dumb"))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Encoding.UTF8, cts.Token).ConfigureAwait(false);
        clock.Stop();
        return new CliRun(target, result.ExitCode, result.StandardOutput + result.StandardError, clock.Elapsed);
    }

    public Task<CliRun> RunAsync(string target, CancellationToken cancellationToken) => RunAsync(target, null, cancellationToken);
}

/// <summary>A measurement could not be taken (a command failed, a stack did not come up).</summary>
public sealed class BenchmarkException(string message) : Exception(message);
