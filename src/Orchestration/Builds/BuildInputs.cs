using System.Security.Cryptography;
using Orchestration.IO;

namespace Orchestration.Builds;

/// <summary>
/// Whether a project's build (or Native AOT publish) is up to date with its inputs: every file under
/// the project's folder (bin, obj and friends excluded) and the shared build settings above it. First
/// by time (nothing newer than the stamp: up to date at once), then by content, so a file touched but
/// not changed (a checkout of the same commit, an editor saving an unchanged file, the benchmark's
/// watch row) costs no build, nor minutes of native compile. The stamp, in the project's own obj/, holds
/// the output's path and the inputs' content hash.
/// </summary>
public static class BuildInputs
{
    private static readonly string[] IgnoredDirectories = ["bin", "obj", ".local", ".git", "node_modules"];
    private static readonly string[] SharedSettings = ["Directory.Build.props", "Directory.Packages.props", "global.json"];

    /// <summary>The output <paramref name="stamp"/> records when it is still up to date; null when a build is due.</summary>
    public static string? UpToDate(string project, string stamp)
    {
        if (!File.Exists(stamp)) return null;
        var lines = File.ReadAllLines(stamp);
        var output = lines.ElementAtOrDefault(0)?.Trim();
        if (string.IsNullOrEmpty(output) || !File.Exists(output)) return null;
        var files = Files(project);
        if (files.Max(File.GetLastWriteTimeUtc) <= File.GetLastWriteTimeUtc(stamp)) return output;
        var checkedAt = DateTime.UtcNow;
        if (lines.ElementAtOrDefault(1)?.Trim() is not { Length: > 0 } hash || hash != ContentHash(project, files)) return null;
        File.SetLastWriteTimeUtc(stamp, checkedAt); // touched, not changed: next time the time check suffices
        return output;
    }

    /// <summary>What a build about to start reads: call before building, then <see cref="Record"/> after.</summary>
    public static Snapshot Take(string project) => new(ContentHash(project, Files(project)), DateTime.UtcNow);

    /// <summary>The stamp of a finished build, dated when its inputs were read, so an edit made during the build is seen next time.</summary>
    public static void Record(string stamp, string output, Snapshot inputs)
    {
        AtomicFile.WriteAllText(stamp, output + "\n" + inputs.Hash + "\n");
        File.SetLastWriteTimeUtc(stamp, inputs.TakenAt);
    }

    public sealed record Snapshot(string Hash, DateTime TakenAt);

    /// <summary>The project file, every file under its folder but build output, and the shared settings above it; sorted.</summary>
    private static List<string> Files(string project)
    {
        var files = new List<string> { project };
        var stack = new Stack<string>([Path.GetDirectoryName(project)!]);
        while (stack.Count > 0)
        {
            var dir = stack.Pop();
            files.AddRange(Directory.EnumerateFiles(dir));
            foreach (var sub in Directory.EnumerateDirectories(dir))
            {
                if (!IgnoredDirectories.Contains(Path.GetFileName(sub))) stack.Push(sub);
            }
        }
        for (var dir = Path.GetDirectoryName(Path.GetDirectoryName(project)); dir is not null; dir = Path.GetDirectoryName(dir))
            files.AddRange(SharedSettings.Select(name => Path.Combine(dir, name)).Where(File.Exists));
        return files.Distinct().Order(StringComparer.Ordinal).ToList();
    }

    private static string ContentHash(string project, IEnumerable<string> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var root = Path.GetDirectoryName(project)!;
        foreach (var file in files)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(root, file) + "\0"));
            hash.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
