using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Orchestration.Config;

/// <summary>
/// Collects errors while a config is read and checked, and remembers where every YAML path sits
/// in the file so a rule that runs later (port conflicts, routes) can still point at a line.
/// </summary>
internal sealed class ConfigDiagnostics(string fileName)
{
    private readonly List<ConfigError> _errors = [];
    private readonly Dictionary<string, NodeLocation> _locations = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failedPaths = new(StringComparer.Ordinal);

    public IReadOnlyList<ConfigError> Errors =>
        _errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ThenBy(e => e.Path, StringComparer.Ordinal).ToList();

    public bool HasErrors => _errors.Count > 0;

    /// <summary>True when a path (or one of its parents) already has an error: later rules skip it.</summary>
    public bool Failed(string path)
    {
        for (var p = path; p.Length > 0; p = Parent(p))
        {
            if (_failedPaths.Contains(p)) return true;
        }
        return false;
    }

    public void Record(string path, YamlNode? key, YamlNode value) =>
        _locations[path] = new NodeLocation(key?.Start, value.Start, value is YamlScalarNode s ? s.Value : null, value is YamlScalarNode);

    /// <summary>Scalar text recorded at a path, if any.</summary>
    public string? ValueAt(string path) => _locations.TryGetValue(path, out var l) ? l.Text : null;

    /// <summary>Reports an error at the node recorded for <paramref name="path"/> (its value, or its key for collections).</summary>
    public void Error(string path, string message, string fix, bool atKey = false)
    {
        var (line, column, value) = Locate(path, atKey);
        Add(new ConfigError(path, line, column, value, message, fix));
    }

    /// <summary>Reports an error at an explicit mark (syntax errors, unknown keys).</summary>
    public void ErrorAt(Mark mark, string path, string? value, string message, string fix) =>
        Add(new ConfigError(path, (int)mark.Line, (int)mark.Column, value, message, fix));

    /// <summary>Reports an error about the whole file (missing, empty, unreadable).</summary>
    public void FileError(string message, string fix) => Add(new ConfigError("", 0, 0, null, message, fix));

    private void Add(ConfigError error)
    {
        _errors.Add(error with { File = fileName });
        if (error.Path.Length > 0) _failedPaths.Add(error.Path);
    }

    private (int Line, int Column, string? Value) Locate(string path, bool atKey)
    {
        for (var p = path; ; p = Parent(p))
        {
            if (_locations.TryGetValue(p, out var l))
            {
                var mark = (atKey || !l.IsScalar || p != path) && l.Key is { } k ? k : l.Value;
                return ((int)mark.Line, (int)mark.Column, p == path ? l.Text : null);
            }
            if (p.Length == 0) return (1, 1, null);
        }
    }

    internal static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut < 0 ? "" : path[..cut];
    }

    private sealed record NodeLocation(Mark? Key, Mark Value, string? Text, bool IsScalar);
}
