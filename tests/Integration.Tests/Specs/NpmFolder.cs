using CliWrap;
using CliWrap.Buffered;
using Orchestration.Specs;

namespace Integration.Tests.Specs;

/// <summary>Runs node programs of an npm folder of the repository, installing it with npm ci on first use.</summary>
public static class NpmFolder
{
    public static string Validate { get; } = Path.Combine(Repo.Root, "tests", "Integration.Tests", "Specs", "validate");

    public static string ClientTools { get; } = Path.Combine(Repo.Root, "tools", "clients");

    public sealed record Result(int ExitCode, string Output)
    {
        public override string ToString() => $"exit {ExitCode}\n{Output}";
    }

    public static async Task<Result> NodeAsync(string folder, string package, IReadOnlyList<string> args, string? workingDirectory = null)
    {
        await NpmTools.EnsureInstalledAsync(folder, package, _ => { }, CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var run = await Cli.Wrap("node").WithArguments(args).WithWorkingDirectory(workingDirectory ?? folder)
            .WithEnvironmentVariables(e => e.Set("NO_COLOR", "1").Set("REDOCLY_TELEMETRY", "off").Set("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true"))
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(timeout.Token);
        return new Result(run.ExitCode, run.StandardOutput + run.StandardError);
    }
}
