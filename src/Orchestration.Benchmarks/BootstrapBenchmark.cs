using System.Diagnostics;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;

namespace Orchestration.Benchmarks;

/// <summary>
/// The commands a developer types most, warm, as typed: <c>./build.sh --help</c> and <c>./build.sh Status</c> of
/// a stopped stack (our bootstrap: an input check, then the native build program when current), beside the
/// same through the JIT program (before issue 13), the NUKE-style bootstrap (<c>dotnet build</c> then
/// <c>dotnet run --no-build</c>) and the floor: a bash that does nothing. Same run. Timed by hyperfine when
/// present, else in-process with the same warmups and runs.
/// </summary>
public sealed class BootstrapBenchmark(BenchmarkContext context)
{
    public const double HelpGoalSeconds = 0.06;
    public const double StoppedStatusGoalSeconds = 0.08;

    public const string OurCommand = "./build.sh --help";
    public const string NukeCommand = "dotnet build build/_build.csproj && dotnet run --project build/_build.csproj --no-build -- --help";

    public async Task<BenchmarkSection> MeasureAsync(CancellationToken cancellationToken)
    {
        await using var stopped = BenchmarkStack.Default(context);
        var status = $"Status --config {stopped.ConfigPath}";
        var jit = $"{context.Dotnet} {context.BuildProgram}";
        int warm = context.Quick ? 1 : 3, runs = context.Quick ? 1 : 10;
        var help = await TimeAsync(OurCommand, shell: false, warm, runs, cancellationToken).ConfigureAwait(false);
        var stoppedStatus = await TimeAsync($"./build.sh {status}", shell: false, warm, runs, cancellationToken, exitCode: 3).ConfigureAwait(false);
        var jitHelp = await TimeAsync($"{jit} --help", shell: false, warm, runs, cancellationToken).ConfigureAwait(false);
        var jitStatus = await TimeAsync($"{jit} {status}", shell: false, warm, runs, cancellationToken, exitCode: 3).ConfigureAwait(false);
        var nuke = await TimeAsync(NukeCommand, shell: true, warmups: context.Quick ? 0 : 1, runs: context.Quick ? 1 : 5, cancellationToken).ConfigureAwait(false);
        var floor = await TimeAsync("bash -c true", shell: false, warm, runs, cancellationToken).ConfigureAwait(false);
        context.Log($"bootstrap: --help {help.Median:0.000} s (JIT {jitHelp.Median:0.000}), stopped Status {stoppedStatus.Median:0.000} s (JIT {jitStatus.Median:0.000}), NUKE-style {nuke.Median:0.000} s");

        BenchmarkRow Row(string name, Samples s, double? goal, string note)
        {
            var values = s.Spread();
            values["goal"] = goal;
            values["speedup"] = nuke.Median / s.Median;
            return new BenchmarkRow(name, values, goal is { } g ? (s.Median <= g ? "meets goal" : $"over goal by {s.Median - g:0.000} s") + note : note);
        }
        var program = context.NativeProgram is null ? $" (JIT: {context.NativeMissing})" : "";
        return new BenchmarkSection("bootstrap", "Fast CLI: warm commands as typed (s)",
        [
            new("median", "median s"), new("min", "min s"), new("max", "max s"), new("runs", "runs", "0"),
            new("goal", "goal s", "0.00"), new("speedup", "× faster than NUKE-style --help", "0.0"),
        ],
        [
            Row($"`{OurCommand}`", help, HelpGoalSeconds, program),
            Row("`./build.sh Status` (stopped stack)", stoppedStatus, StoppedStatusGoalSeconds, program),
            Row("`dotnet _build.dll --help` (JIT program, before)", jitHelp, null, "ReadyToRun JIT program, no bootstrap"),
            Row("`dotnet _build.dll Status` (JIT program, before; stopped stack)", jitStatus, null, "ReadyToRun JIT program, no bootstrap"),
            Row($"`{NukeCommand}`", nuke, null, "NUKE-style bootstrap"),
            Row("floor: `bash -c true`", floor, null, "a shell that does nothing: what any bootstrap script costs at least"),
        ], context.Hyperfine is null
            ? $"Timed in-process ({context.HyperfineMissing})."
            : "Timed by hyperfine (-N, no shell, except the NUKE-style pair), warmups first.");
    }

    /// <param name="exitCode">The exit code the command gives when it works (Status of a stopped stack: 3).</param>
    private async Task<Samples> TimeAsync(string command, bool shell, int warmups, int runs, CancellationToken cancellationToken, int exitCode = 0)
    {
        if (context.Hyperfine is { } hyperfine) return await HyperfineAsync(hyperfine, command, shell, warmups, runs, exitCode, cancellationToken).ConfigureAwait(false);
        var times = new List<double>();
        for (var i = 0; i < warmups + runs; i++)
        {
            var clock = Stopwatch.StartNew();
            var result = await CliWrap.Cli.Wrap("/bin/sh").WithArguments(["-c", command]).WithWorkingDirectory(context.RepoRoot)
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != exitCode) throw new BenchmarkException($"`{command}` exited with {result.ExitCode}:\n{result.StandardError}");
            if (i >= warmups) times.Add(clock.Elapsed.TotalSeconds);
        }
        return Samples.Of(times);
    }

    private async Task<Samples> HyperfineAsync(string hyperfine, string command, bool shell, int warmups, int runs, int exitCode, CancellationToken cancellationToken)
    {
        var export = Path.Combine(Path.GetTempPath(), $"orch-bench-hyperfine-{Guid.NewGuid():N}.json");
        try
        {
            var args = new List<string> { "--style", "none", "-w", warmups.ToString(), "-r", runs.ToString(), "--export-json", export };
            if (!shell) args.Add("-N");
            if (exitCode != 0) args.Add("-i"); // hyperfine takes non-zero as failure: each run's code is checked below
            args.Add(command);
            var result = await CliWrap.Cli.Wrap(hyperfine).WithArguments(args).WithWorkingDirectory(context.RepoRoot)
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
            if (!result.IsSuccess) throw new BenchmarkException($"hyperfine `{command}` exited with {result.ExitCode}:\n{result.StandardError}{result.StandardOutput}");
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(export, cancellationToken).ConfigureAwait(false));
            var measured = json.RootElement.GetProperty("results")[0];
            if (measured.GetProperty("exit_codes").EnumerateArray().Select(c => c.GetInt32()).FirstOrDefault(c => c != exitCode, exitCode) is var code && code != exitCode)
                throw new BenchmarkException($"`{command}` exited with {code} (expected {exitCode})");
            var times = measured.GetProperty("times").EnumerateArray().Select(t => t.GetDouble());
            return Samples.Of(times);
        }
        finally
        {
            File.Delete(export);
        }
    }
}
