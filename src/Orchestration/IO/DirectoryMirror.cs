namespace Orchestration.IO;

/// <summary>
/// Makes a folder a copy of another, copying only files that differ. A program runs from such a copy
/// so a rebuild of its original never writes into a file the running program has mapped (that can
/// crash it); each changed file is written beside its target and renamed over it.
/// </summary>
public static class DirectoryMirror
{
    public static void Copy(string from, string to)
    {
        var fromFull = Path.GetFullPath(from);
        var toFull = Path.GetFullPath(to);
        foreach (var source in Directory.EnumerateFiles(fromFull, "*", SearchOption.AllDirectories))
        {
            if (source.StartsWith(toFull + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue; // a copy inside its original
            var target = Path.Combine(toFull, Path.GetRelativePath(fromFull, source));
            var original = new FileInfo(source);
            var copy = new FileInfo(target);
            if (copy.Exists && copy.Length == original.Length && copy.LastWriteTimeUtc == original.LastWriteTimeUtc) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var temp = target + ".tmp";
            File.Copy(source, temp, overwrite: true);
            File.SetLastWriteTimeUtc(temp, original.LastWriteTimeUtc);
            File.Move(temp, target, overwrite: true);
        }
    }
}
