using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Orchestration.IO;

namespace Orchestration.Builds;

/// <summary>
/// Builds the .NET project of each server once (Release), and not at all when nothing under the
/// project folder changed since the last build (<see cref="BuildInputs"/>): MSBuild alone costs
/// seconds even when up to date.
/// </summary>
public sealed class BackendBuilder(string dotnet)
{
    public sealed record Built(string Project, string TargetPath, bool WasUpToDate);

    /// <summary>
    /// For a build whose only purpose is to run the code at once (watch mode), what Visual Studio does
    /// for one started by Start Debugging or Run Tests: analyzers and nullable analysis are skipped
    /// (source generators still run), about a quarter of a warm build of the bundled backend. Start's
    /// full build still reports every warning.
    /// </summary>
    public static readonly IReadOnlyList<string> RunOnlyProperties = ["-p:IsImplicitlyTriggeredBuild=true", "-p:OptimizeImplicitlyTriggeredBuild=true"];

    public async Task<Built> EnsureBuiltAsync(string project, CancellationToken cancellationToken)
    {
        var stamp = StampFile(project);
        if (BuildInputs.UpToDate(project, stamp) is { } current) return new Built(project, current, WasUpToDate: true);
        var inputs = BuildInputs.Take(project);
        var targetPath = await BuildAsync(project, outputDirectory: null, cancellationToken).ConfigureAwait(false);
        BuildInputs.Record(stamp, targetPath, inputs);
        return new Built(project, targetPath, WasUpToDate: false);
    }

    /// <summary>Runs <c>dotnet build -c Release</c> and returns the built dll; throws with the compiler's errors on failure.</summary>
    public async Task<string> BuildAsync(string project, string? outputDirectory, CancellationToken cancellationToken, IReadOnlyList<string>? properties = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var args = new List<string> { "build", project, "-c", "Release", "-nologo", "-clp:NoSummary;ErrorsOnly", "-t:Build", "-getProperty:TargetPath" };
        if (properties is not null) args.AddRange(properties);
        if (!NeedsRestore(project)) args.Add("--no-restore"); // restore costs a second even when nothing changed
        if (outputDirectory is not null) args.AddRange(["-o", outputDirectory, "-p:UseAppHost=false"]); // run as `dotnet x.dll`: no launcher to make
        var result = await Cli.Wrap(dotnet).WithArguments(args)
            .WithEnvironmentVariables(e => e.Set("DOTNET_NOLOGO", "1").Set("DOTNET_CLI_TELEMETRY_OPTOUT", "1").Set(environment?.ToDictionary(kv => kv.Key, kv => (string?)kv.Value) ?? []))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var target = lines.LastOrDefault(l => l.EndsWith(".dll", StringComparison.OrdinalIgnoreCase));
        if (!result.IsSuccess || target is null)
        {
            var errors = string.Join('\n', lines.Concat(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Distinct().Take(20));
            throw new BackendBuildException(project, string.IsNullOrWhiteSpace(errors) ? result.StandardOutput + result.StandardError : errors);
        }
        if (outputDirectory is not null) target = Path.Combine(outputDirectory, Path.GetFileName(target));
        return target;
    }

    /// <summary>Restore only when it never ran or a project or props file changed since.</summary>
    private static bool NeedsRestore(string project)
    {
        var assets = Path.Combine(Path.GetDirectoryName(project)!, "obj", "project.assets.json");
        if (!File.Exists(assets)) return true;
        var restored = File.GetLastWriteTimeUtc(assets);
        var folder = Path.GetDirectoryName(project)!;
        return Directory.EnumerateFiles(folder, "*.*proj").Concat(Directory.EnumerateFiles(folder, "*.props"))
            .Any(f => File.GetLastWriteTimeUtc(f) > restored);
    }

    /// <summary>In the project's own obj/: every deployment of the project shares one up-to-date check.</summary>
    private static string StampFile(string project) =>
        Path.Combine(Path.GetDirectoryName(project)!, "obj", "orchestration-release.stamp");
}

public sealed class BackendBuildException(string project, string errors)
    : Exception($"Building {project} failed:\n{errors}")
{
    public string Project { get; } = project;
    public string Errors { get; } = errors;
}
