namespace Orchestration.Tests.Support;

/// <summary>A fresh folder under /tmp, deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = Directory.CreateTempSubdirectory("orch-test-").FullName;
    }

    public string Path { get; }

    public string Write(string name, string content)
    {
        var file = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllText(file, content);
        return file;
    }

    public IReadOnlyList<string> Entries() =>
        Directory.GetFileSystemEntries(Path, "*", SearchOption.AllDirectories).Select(e => System.IO.Path.GetRelativePath(Path, e)).Order().ToList();

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* best effort: a leftover temp folder is harmless */ }
    }
}
