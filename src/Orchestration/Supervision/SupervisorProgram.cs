using System.Globalization;
using System.Text;
using Orchestration.IO;

namespace Orchestration.Supervision;

/// <summary>
/// Which build of the tool a supervisor runs: a stamp of its program folder (every file's path, size
/// and time). The private copy a supervisor runs from keeps both (DirectoryMirror), so the copy and
/// the build output it came from have the same stamp, and a rebuild of the tool gives another: a
/// Restart then hands the stack to the new program in place (<see cref="Supervisor.ReplaceSelfAsync"/>).
/// </summary>
public static class SupervisorProgram
{
    /// <summary>
    /// How this program is run: the dotnet host and the dll's file name (JIT), or no host and the
    /// executable's file name (the Native AOT publish). A copy of its folder runs the same way.
    /// </summary>
    public static (string? Host, string Entry) ThisProgram() =>
        System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported
            ? (Environment.ProcessPath ?? "dotnet", AppDomain.CurrentDomain.FriendlyName + ".dll")
            : (null, Path.GetFileName(Environment.ProcessPath!));

    /// <summary>The command line that runs <paramref name="entry"/> (a path), with <paramref name="host"/> when it has one.</summary>
    public static string[] Command(string? host, string entry, params string[] args) =>
        host is null ? [entry, .. args] : [host, entry, .. args];

    public static string StampOf(string directory)
    {
        var full = Path.GetFullPath(directory);
        var lines = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories)
                     .Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal))
                     .Select(f => new FileInfo(f))
                     .OrderBy(f => f.FullName, StringComparer.Ordinal))
        {
            lines.Append(Path.GetRelativePath(full, file.FullName)).Append('\t')
                .Append(file.Length.ToString(CultureInfo.InvariantCulture)).Append('\t')
                .Append(file.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return ShortHash.Of(lines.ToString(), 12);
    }

    /// <summary>The folder, under <c>local_dir</c>, a supervisor of program <paramref name="stamp"/> runs from after a hand-over.</summary>
    public static string CopyFor(Config.LocalPaths paths, string stamp) => Path.Combine(paths.Root, "supervisor-" + stamp);

    /// <summary>The folders of earlier programs: nobody runs from them once the hand-over is done.</summary>
    public static void RemoveOtherCopies(Config.LocalPaths paths, string runningFrom)
    {
        var running = Path.GetFullPath(runningFrom).TrimEnd(Path.DirectorySeparatorChar);
        foreach (var dir in Directory.EnumerateDirectories(paths.Root, "supervisor-*"))
        {
            if (Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar) == running) continue;
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
    }
}
