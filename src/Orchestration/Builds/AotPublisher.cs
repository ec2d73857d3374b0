using System.Diagnostics;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Orchestration.IO;

namespace Orchestration.Builds;

/// <summary>
/// Publishes a .NET project as a Native AOT binary (<c>dotnet publish -p:PublishAot=true</c>) for the
/// servers that run one, and not at all when nothing under the project changed since the last publish:
/// the native compile takes tens of seconds, so it must stay out of a developer's edit loop. One
/// publish of a project at a time across processes (a lock in its obj/): two Starts, or a Start and
/// the test suite, wait for each other and then share the result.
/// </summary>
/// <param name="dotnet">The dotnet host.</param>
/// <param name="ensureToolchain">Runs before a publish (not when up to date): finds or installs the native linker.</param>
public sealed class AotPublisher(string dotnet, Func<CancellationToken, Task>? ensureToolchain = null)
{
    /// <summary>The binary to run; <see cref="CompileTime"/> is zero when it was up to date; the publish's trim and AOT warnings.</summary>
    public sealed record Published(string Project, string Binary, bool WasUpToDate, TimeSpan CompileTime, IReadOnlyList<string> Warnings)
    {
        public long Size => new FileInfo(Binary).Length;
    }

    public async Task<Published> EnsurePublishedAsync(string project, CancellationToken cancellationToken, Action<string>? log = null)
    {
        var stamp = StampFile(project);
        if (UpToDate(project, stamp) is { } current) return new Published(project, current, WasUpToDate: true, TimeSpan.Zero, []);
        using var held = await LockAsync(project, log, cancellationToken).ConfigureAwait(false);
        if (UpToDate(project, stamp) is { } published) return new Published(project, published, WasUpToDate: true, TimeSpan.Zero, []); // the holder published it
        var inputs = BuildInputs.Take(project);
        var result = await PublishHeldAsync(project, cancellationToken).ConfigureAwait(false);
        BuildInputs.Record(stamp, result.Binary, inputs);
        return result;
    }

    /// <summary>
    /// Publishes now, under the project's lock, for a caller that keeps its own record of the inputs; null
    /// when <paramref name="upToDate"/> says, once the lock is held, that the holder before did it.
    /// </summary>
    public async Task<Published?> PublishAsync(string project, Func<bool> upToDate, CancellationToken cancellationToken, Action<string>? log = null)
    {
        using var held = await LockAsync(project, log, cancellationToken).ConfigureAwait(false);
        if (upToDate()) return null;
        return await PublishHeldAsync(project, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Published> PublishHeldAsync(string project, CancellationToken cancellationToken)
    {
        if (ensureToolchain is not null) await ensureToolchain(cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        var (binary, warnings) = await RunPublishAsync(project, cancellationToken).ConfigureAwait(false);
        return new Published(project, binary, WasUpToDate: false, Stopwatch.GetElapsedTime(started), warnings);
    }

    private static string? UpToDate(string project, string stamp) => BuildInputs.UpToDate(project, stamp);

    /// <summary>
    /// Runs the publish for this machine's runtime into <c>bin/Release/aot/</c> and returns the binary. The
    /// native symbols (.dbg, twice the binary's size) stay in obj/: every deployment copies the folder.
    /// It always restores: a JIT build of the same project restores without a runtime identifier.
    /// </summary>
    private async Task<(string Binary, IReadOnlyList<string> Warnings)> RunPublishAsync(string project, CancellationToken cancellationToken)
    {
        var output = OutputDirectory(project);
        var args = new List<string>
        {
            "publish", project, "-c", "Release", "--use-current-runtime", "-p:PublishAot=true", "-p:CopyOutputSymbolsToPublishDirectory=false",
            "-o", output, "-nologo", "-v:q", "-clp:NoSummary", "-getProperty:TargetPath",
        };
        var result = await Cli.Wrap(dotnet).WithArguments(args)
            .WithEnvironmentVariables(e => e.Set("DOTNET_NOLOGO", "1").Set("DOTNET_CLI_TELEMETRY_OPTOUT", "1"))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var target = lines.LastOrDefault(l => l.EndsWith(".dll", StringComparison.OrdinalIgnoreCase));
        var binary = target is null ? null : Path.Combine(output, Path.GetFileNameWithoutExtension(target));
        if (!result.IsSuccess || binary is null || !File.Exists(binary))
        {
            // A trim or AOT warning of the project is an error here (the publish treats warnings as errors when the project does).
            var errors = string.Join('\n', lines.Concat(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                .Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase) || l.Contains("warning IL", StringComparison.Ordinal)).Distinct().Take(20));
            throw new BackendBuildException(project, (string.IsNullOrWhiteSpace(errors) ? result.StandardOutput + result.StandardError : errors) +
                "\nFix: make the project AOT-safe (see the IL warnings above), or set publish: jit for the servers that run it.");
        }
        return (binary, lines.Where(l => l.Contains(": warning ", StringComparison.Ordinal)).Distinct().ToList());
    }

    public static string OutputDirectory(string project) => Path.Combine(Path.GetDirectoryName(project)!, "bin", "Release", "aot");

    private static string StampFile(string project) =>
        Path.Combine(Path.GetDirectoryName(project)!, "obj", "orchestration-aot.stamp");

    /// <summary>Waits for the project's publish lock (released by the kernel if its holder dies).</summary>
    private static async Task<FileStream> LockAsync(string project, Action<string>? log, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetDirectoryName(project)!, "obj", "orchestration-aot.lock");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        for (var waited = false; ; waited = true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (!cancellationToken.IsCancellationRequested)
            {
                if (!waited) log?.Invoke($"Another Native AOT publish of {Path.GetFileName(project)} is running; waiting for it ({path})");
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
