using CliWrap;

namespace BuildGraph.Tools;

/// <summary>Runs <c>dotnet test</c> with a TRX logger and totals the results.</summary>
public static class DotNetTest
{
    /// <summary>
    /// Runs the tests of <paramref name="solutionOrProject"/> (already built) and returns the totals of the TRX
    /// files written to <paramref name="resultsDirectory"/> (emptied first) with the exit code.
    /// </summary>
    public static async Task<TestRun> RunAsync(
        string solutionOrProject, string configuration, string resultsDirectory, CancellationToken cancellationToken)
    {
        if (Directory.Exists(resultsDirectory))
            Directory.Delete(resultsDirectory, recursive: true);
        Directory.CreateDirectory(resultsDirectory);

        var command = Cli.Wrap("dotnet").WithArguments(
        [
            "test", solutionOrProject, "--no-build", "--configuration", configuration,
            "--logger", "trx", "--results-directory", resultsDirectory,
        ]);
        var exitCode = await ProcessRunner.RunAsync(command, cancellationToken);
        var counts = TestCounts.FromTrxFiles(Directory.EnumerateFiles(resultsDirectory, "*.trx", SearchOption.AllDirectories));
        return new TestRun(counts, exitCode);
    }
}

/// <summary>The totals of a <c>dotnet test</c> run and its exit code.</summary>
public sealed record TestRun(TestCounts Counts, int ExitCode)
{
    /// <summary>Throws <see cref="TargetFailedException"/> when a test failed, none ran, or dotnet test failed anyway (a crash, a build error).</summary>
    public void EnsureSucceeded()
    {
        if (Counts.Failed > 0)
            throw new TargetFailedException($"{Counts.Failed} test(s) failed ({Counts}).");
        if (Counts.Passed + Counts.Failed == 0)
            throw new TargetFailedException("No test ran: dotnet test found no tests, or every one was skipped.");
        if (ExitCode != 0)
            throw new TargetFailedException($"dotnet test exited with code {ExitCode} although no test failed ({Counts}); see the output above.");
    }
}
