using System.Globalization;
using System.Text;
using Orchestration.Config;
using Orchestration.IO;

namespace Orchestration.Specs;

/// <summary>
/// What Start's spec files were last read from: the resolved config and every file of each server's
/// build output, with the spec files' content as it was left. When all of it is unchanged, the running
/// instances would answer the same documents, so Start skips asking them (the first request for a
/// document costs a JIT backend about half a second, which every Start paid before). A server whose
/// build the tool does not know (a command server) has no inputs to compare: its specs are always read.
/// </summary>
public sealed class SpecInputs(LocalPaths paths)
{
    private string StampPath => Path.Combine(paths.Root, "specs.inputs");

    /// <summary>The inputs' description, or null when a server's build output is not known.</summary>
    /// <param name="builtBackends">Server name → the built program (a .NET build's dll or a native binary).</param>
    public static string? Describe(DeploymentConfig config, SpecLayout layout, IReadOnlyDictionary<string, string> builtBackends)
    {
        var text = new StringBuilder("config ").Append(ConfigFingerprint.Of(config)).Append('\n');
        foreach (var server in layout.Servers)
        {
            if (!builtBackends.TryGetValue(server, out var program) || !File.Exists(program)) return null;
            // The whole output folder: a referenced project can change what the program serves without the program's own file changing.
            var folder = Path.GetDirectoryName(program)!;
            text.Append("server ").Append(server).Append(' ').Append(program).Append('\n');
            foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal)) Stamp(text, file);
        }
        // The spec files by content: one rewritten with the same text (a check that restored it) is still what the last refresh left.
        foreach (var file in SpecFilesOf(layout))
            text.Append(file).Append(' ').Append(File.Exists(file) ? ShortHash.Of(File.ReadAllBytes(file)) : "-").Append('\n');
        return text.ToString();
    }

    /// <summary>True when the last recorded refresh had exactly these inputs and left the spec files as they are now.</summary>
    public bool UpToDate(string description) => File.Exists(StampPath) && File.ReadAllText(StampPath) == description;

    /// <summary>Records a refresh: <paramref name="description"/> is taken after it, so it holds the files it wrote (null: nothing to record).</summary>
    public void Record(string? description)
    {
        if (description is not null) AtomicFile.WriteAllText(StampPath, description);
        else Forget();
    }

    public void Forget() => File.Delete(StampPath);

    /// <summary>The spec files (not the clients) and their copies the gateway serves.</summary>
    private static IEnumerable<string> SpecFilesOf(SpecLayout layout)
    {
        IEnumerable<string> output = Directory.Exists(layout.Output)
            ? Directory.EnumerateFiles(layout.Output, "*", SearchOption.AllDirectories)
                .Where(f => !IsUnder(f, layout.Clients)).Order(StringComparer.Ordinal)
            : [];
        IEnumerable<string> served = layout.Served is { } folder && folder != layout.Output
            ? new[] { SpecSet.OpenApiFile, SpecSet.AsyncApiFile, SpecSet.DocsFile }.Select(name => Path.Combine(folder, name))
            : [];
        return output.Concat(served);
    }

    private static bool IsUnder(string path, string folder) =>
        path.StartsWith(folder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static void Stamp(StringBuilder text, string file)
    {
        var info = new FileInfo(file);
        text.Append(file).Append(' ');
        if (info.Exists) text.Append(info.Length.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture));
        else text.Append('-');
        text.Append('\n');
    }
}
