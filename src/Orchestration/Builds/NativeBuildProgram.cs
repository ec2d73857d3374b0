using Orchestration.IO;

namespace Orchestration.Builds;

/// <summary>
/// The build program's Native AOT publish, in <c>.nuke/temp/native/</c> beside its JIT build in
/// <c>.nuke/temp/bin/</c>. build.sh compiles the JIT program when an input changed (fast, for someone
/// editing targets) and runs the native one only when it was published from the same inputs: the id
/// build.sh gives each compile (<c>bin/.build-id</c>) is copied to <c>native/.build-id</c> on success,
/// and to <c>native.failed</c> beside it on failure (the folder holds the program alone: the supervisor runs from a copy of it) so build.sh does not try again until an input changes.
/// </summary>
public sealed class NativeBuildProgram(string rootDirectory)
{
    public string Folder => Path.Combine(rootDirectory, ".nuke", "temp", "native");

    public string Binary => Path.Combine(Folder, "_build");

    private string JitBuildId => Path.Combine(rootDirectory, ".nuke", "temp", "bin", ".build-id");

    private string PublishedBuildId => Path.Combine(Folder, ".build-id");

    private string FailedBuildId => Folder + ".failed";

    /// <summary>Whether the native program is published from the inputs the JIT program was compiled from.</summary>
    public bool IsCurrent => File.Exists(Binary) && ReadOrNull(PublishedBuildId) is { } published && published == ReadOrNull(JitBuildId);

    /// <summary>Publishes unless current; null when it was. The compile's id is read first: an edit made meanwhile leaves it stale.</summary>
    public async Task<AotPublisher.Published?> EnsureAsync(AotPublisher publisher, string project, Action<string> log, CancellationToken cancellationToken)
    {
        var buildId = ReadOrNull(JitBuildId)
            ?? throw new InvalidOperationException($"{JitBuildId} is missing: run the build program through ./build.sh, which names each compile there.");
        if (IsCurrent) return null;
        PrivateDirectory.Create(Folder);
        AotPublisher.Published? published;
        try
        {
            published = await publisher.PublishAsync(project, () => IsCurrent, cancellationToken, log).ConfigureAwait(false);
            if (published is null) return null;
        }
        catch (BackendBuildException)
        {
            AtomicFile.WriteAllText(FailedBuildId, buildId);
            throw;
        }
        // A new file under the name: a native program running now keeps the one it started from.
        var next = Binary + ".next";
        File.Copy(published.Binary, next, overwrite: true);
        File.Move(next, Binary, overwrite: true);
        AtomicFile.WriteAllText(PublishedBuildId, buildId);
        File.Delete(FailedBuildId);
        return published;
    }

    /// <summary>The JIT program beside this native one (<c>.nuke/temp/bin/_build.dll</c>), if there is one.</summary>
    public static string? JitBeside()
    {
        var dll = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "bin", "_build.dll"));
        return File.Exists(dll) ? dll : null;
    }

    /// <summary>Runs the JIT program with these arguments on this terminal and returns its exit code.</summary>
    public static int RunJit(string? jit, string[] args)
    {
        if (jit is null)
        {
            Console.Error.WriteLine("error: this target runs in the JIT build program, and none is beside this one: run it through ./build.sh");
            return 1;
        }
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { UseShellExecute = false };
        start.ArgumentList.Add(jit);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode;
    }

    private static string? ReadOrNull(string path) => File.Exists(path) ? File.ReadAllText(path) : null;
}
