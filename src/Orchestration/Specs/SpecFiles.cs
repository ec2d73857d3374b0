using System.Text;
using System.Text.Json.Nodes;

namespace Orchestration.Specs;

/// <summary>A difference between the spec files on disk and what the code produces.</summary>
public sealed record SpecChange(string Path, string Kind);

/// <summary>
/// Reads and writes a <see cref="SpecSet"/> under <c>specs.output</c>. A file is rewritten only when
/// its text changed (editors, watchers and the clients' stamp see no touch otherwise); a module file
/// no longer produced (a module removed from the config) is deleted. Files are world-readable: nginx's
/// workers serve them.
/// </summary>
public static class SpecFiles
{
    private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Writes what changed; returns the changes (empty when the folder was up to date).</summary>
    public static IReadOnlyList<SpecChange> Write(string folder, SpecSet set)
    {
        var changes = Compare(folder, set);
        foreach (var change in changes)
        {
            var path = Path.Combine(folder, change.Path);
            if (change.Kind == "removed")
            {
                File.Delete(path);
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + ".tmp";
            File.WriteAllText(temp, set.Files[change.Path], new UTF8Encoding(false));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, Readable);
            File.Move(temp, path, overwrite: true);
        }
        return changes;
    }

    /// <summary>The files that differ: added, changed, or removed (a module file on disk the set does not have).</summary>
    public static IReadOnlyList<SpecChange> Compare(string folder, SpecSet set)
    {
        var changes = new List<SpecChange>();
        foreach (var (relative, text) in set.Files)
        {
            var path = Path.Combine(folder, relative);
            if (!File.Exists(path)) changes.Add(new SpecChange(relative, "added"));
            else if (File.ReadAllText(path) != text) changes.Add(new SpecChange(relative, "changed"));
        }
        changes.AddRange(ModuleFiles(folder).Where(f => !set.Files.ContainsKey(f)).Select(f => new SpecChange(f, "removed")));
        return changes;
    }

    /// <summary>Breaking changes of each changed or removed OpenAPI/AsyncAPI file against what is on disk.</summary>
    public static IReadOnlyList<string> Breaking(string folder, SpecSet set, IReadOnlyList<SpecChange> changes)
    {
        var breaking = new List<string>();
        foreach (var change in changes.Where(c => c.Kind != "added" && c.Path.EndsWith(".json", StringComparison.Ordinal)))
        {
            // The merged documents repeat the module files' changes.
            if (change.Path is SpecSet.OpenApiFile or SpecSet.AsyncApiFile) continue;
            var old = Parse(File.ReadAllText(Path.Combine(folder, change.Path)));
            var now = change.Kind == "removed" ? new JsonObject() : Parse(set.Files[change.Path]);
            if (old is null || now is null) continue;
            breaking.AddRange(SpecDiff.Breaking(old, now).Select(b => $"{change.Path}: {b}"));
        }
        return breaking;
    }

    /// <summary>Spec files of modules under the folder: <c>{module}/{version}/openapi.json|asyncapi.json</c>.</summary>
    private static IEnumerable<string> ModuleFiles(string folder)
    {
        if (!Directory.Exists(folder)) yield break;
        foreach (var module in Directory.EnumerateDirectories(folder))
        foreach (var version in Directory.EnumerateDirectories(module))
        foreach (var name in new[] { SpecSet.OpenApiFile, SpecSet.AsyncApiFile })
            if (File.Exists(Path.Combine(version, name)))
                yield return $"{Path.GetFileName(module)}/{Path.GetFileName(version)}/{name}";
    }

    private static JsonObject? Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
