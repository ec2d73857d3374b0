namespace Orchestration.IO;

/// <summary>
/// Makes a folder a copy of another, copying only files that differ. A program runs from such a copy
/// so a rebuild of its original never writes into a file the running program has mapped (that can
/// crash it); each changed file is written beside its target and renamed over it.
/// </summary>
public static class DirectoryMirror
{
    /// <param name="removeOthers">Also deletes the files of <paramref name="to"/> that <paramref name="from"/> does not
    /// have, for a copy nobody runs from yet: what is left there from another program would make it another program.</param>
    public static void Copy(string from, string to, bool removeOthers = false)
    {
        var fromFull = Path.GetFullPath(from);
        var toFull = Path.GetFullPath(to);
        if (removeOthers && Directory.Exists(toFull))
            foreach (var stale in Directory.EnumerateFiles(toFull, "*", SearchOption.AllDirectories)
                         .Where(f => !File.Exists(Path.Combine(fromFull, Path.GetRelativePath(toFull, f)))).ToList())
                File.Delete(stale);
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
