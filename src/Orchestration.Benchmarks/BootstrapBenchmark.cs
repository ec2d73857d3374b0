using System.Diagnostics;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;

namespace Orchestration.Benchmarks;

/// <summary>
/// Warm <c>./build.sh --help</c> (our bootstrap: an input check, then the compiled build program) against the
/// NUKE-style bootstrap (<c>dotnet build</c> of the build project, then <c>dotnet run --no-build</c>), same run.
/// Timed by hyperfine when present, else in-process with the same warmups and runs.
/// </summary>
public sealed class BootstrapBenchmark(BenchmarkContext context)
{
    public const double HelpGoalSeconds = 0.4;

    public const string OurCommand = "./build.sh --help";
    public const string NukeCommand = "dotnet build build/_build.csproj && dotnet run --project build/_build.csproj --no-build -- --help";

    public async Task<BenchmarkSection> MeasureAsync(CancellationToken cancellationToken)
    {
        var ours = await TimeAsync(OurCommand, shell: false, warmups: context.Quick ? 1 : 3, runs: context.Quick ? 1 : 10, cancellationToken).ConfigureAwait(false);
        var nuke = await TimeAsync(NukeCommand, shell: true, warmups: context.Quick ? 0 : 1, runs: context.Quick ? 1 : 5, cancellationToken).ConfigureAwait(false);
        context.Log($"bootstrap: ours {ours.Median:0.000} s, NUKE-style {nuke.Median:0.000} s");
        var oursValues = ours.Spread();
        oursValues["goal"] = HelpGoalSeconds;
        oursValues["speedup"] = nuke.Median / ours.Median;
        var nukeValues = nuke.Spread();
        nukeValues["speedup"] = 1;
        return new BenchmarkSection("bootstrap", "Build program bootstrap, warm (s)",
        [
            new("median", "median s"), new("min", "min s"), new("max", "max s"), new("runs", "runs", "0"),
            new("goal", "goal s", "0.0"), new("speedup", "× faster than NUKE-style", "0.0"),
        ],
        [
            new BenchmarkRow($"`{OurCommand}`", oursValues, ours.Median <= HelpGoalSeconds ? "meets goal" : "over goal"),
            new BenchmarkRow($"`{NukeCommand}`", nukeValues, "NUKE-style bootstrap"),
        ], context.Hyperfine is null
            ? $"Timed in-process ({context.HyperfineMissing})."
            : "Timed by hyperfine (-N for ./build.sh, a shell for the NUKE-style pair), warmups first.");
    }

    private async Task<Samples> TimeAsync(string command, bool shell, int warmups, int runs, CancellationToken cancellationToken)
    {
        if (context.Hyperfine is { } hyperfine) return await HyperfineAsync(hyperfine, command, shell, warmups, runs, cancellationToken).ConfigureAwait(false);
        var times = new List<double>();
        for (var i = 0; i < warmups + runs; i++)
        {
            var clock = Stopwatch.StartNew();
            var result = await CliWrap.Cli.Wrap("/bin/sh").WithArguments(["-c", command]).WithWorkingDirectory(context.RepoRoot)
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
            if (!result.IsSuccess) throw new BenchmarkException($"`{command}` exited with {result.ExitCode}:\n{result.StandardError}");
            if (i >= warmups) times.Add(clock.Elapsed.TotalSeconds);
        }
        return Samples.Of(times);
    }

    private async Task<Samples> HyperfineAsync(string hyperfine, string command, bool shell, int warmups, int runs, CancellationToken cancellationToken)
    {
        var export = Path.Combine(Path.GetTempPath(), $"orch-bench-hyperfine-{Guid.NewGuid():N}.json");
        try
        {
            var args = new List<string> { "--style", "none", "-w", warmups.ToString(), "-r", runs.ToString(), "--export-json", export };
            if (!shell) args.Add("-N");
            args.Add(command);
            var result = await CliWrap.Cli.Wrap(hyperfine).WithArguments(args).WithWorkingDirectory(context.RepoRoot)
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
            if (!result.IsSuccess) throw new BenchmarkException($"hyperfine `{command}` exited with {result.ExitCode}:\n{result.StandardError}{result.StandardOutput}");
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(export, cancellationToken).ConfigureAwait(false));
            var times = json.RootElement.GetProperty("results")[0].GetProperty("times").EnumerateArray().Select(t => t.GetDouble());
            return Samples.Of(times);
        }
        finally
        {
            File.Delete(export);
        }
    }
}
