using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Orchestration.Config;

/// <summary>
/// One YAML mapping being read into the model: typed getters that report a clear error (and
/// return null) instead of throwing, and an unknown-key check with a "did you mean" suggestion.
/// </summary>
internal sealed class YamlSection
{
    private readonly YamlMappingNode _node;
    private readonly Dictionary<string, (YamlScalarNode Key, YamlNode Value)> _entries = new(StringComparer.Ordinal);

    public YamlSection(YamlMappingNode node, string path, ConfigDiagnostics diagnostics)
    {
        _node = node;
        Path = path;
        Diagnostics = diagnostics;
        foreach (var (key, value) in node.Children)
        {
            if (key is YamlScalarNode { Value: { } name } scalar)
            {
                _entries[name] = (scalar, value);
                diagnostics.Record(Child(name), key, value);
            }
            else
            {
                diagnostics.ErrorAt(key.Start, path, null, "a key must be plain text, not a list or mapping.",
                    "write the key as a simple word followed by a colon.");
            }
        }
    }

    public string Path { get; }
    public ConfigDiagnostics Diagnostics { get; }

    /// <summary>Keys in file order.</summary>
    public IEnumerable<string> Keys => _entries.Keys;

    public string Child(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    /// <summary>Reports every key that is not in <paramref name="valid"/>, suggesting the closest valid one.</summary>
    public void RejectUnknownKeys(params string[] valid)
    {
        foreach (var (name, (key, _)) in _entries)
        {
            if (valid.Contains(name, StringComparer.Ordinal)) continue;
            var suggestion = Suggestions.Closest(name, valid);
            var where = Path.Length == 0 ? "at the top level" : $"in {Path}";
            Diagnostics.ErrorAt(key.Start, Child(name), name, $"unknown key '{name}' {where}.",
                suggestion is null
                    ? $"remove it; valid keys here are: {string.Join(", ", valid)}."
                    : $"did you mean '{suggestion}'? Valid keys here are: {string.Join(", ", valid)}.");
        }
    }

    /// <summary>True when the key is written, even with an empty value.</summary>
    public bool Contains(string key) => _entries.ContainsKey(key);

    public bool Has(string key) => _entries.ContainsKey(key) && !IsNull(_entries[key].Value);

    public YamlNode? Node(string key) => _entries.TryGetValue(key, out var e) && !IsNull(e.Value) ? e.Value : null;

    public string? String(string key, string fix)
    {
        switch (Node(key))
        {
            case null: return null;
            case YamlScalarNode s: return s.Value;
            default:
                Diagnostics.Error(Child(key), "must be a single value, not a list or mapping.", fix, atKey: true);
                return null;
        }
    }

    public int? Int(string key, string fix)
    {
        var text = String(key, fix);
        if (text is null) return null;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) return value;
        Diagnostics.Error(Child(key), $"'{text}' is not a whole number.", fix);
        return null;
    }

    /// <summary>A non-negative number of seconds such as <c>0.5</c> or <c>2</c>.</summary>
    public double? Seconds(string key, string fix) => Number(key, fix, "a number of seconds");

    /// <summary>A decimal number; <paramref name="what"/> names it in the error ("a size in megabytes").</summary>
    public double? Number(string key, string fix, string what)
    {
        var text = String(key, fix);
        if (text is null) return null;
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value))
            return value;
        Diagnostics.Error(Child(key), $"'{text}' is not {what}.", fix);
        return null;
    }

    public bool? Bool(string key)
    {
        const string fix = "write true or false.";
        var text = String(key, fix);
        if (text is null) return null;
        switch (text.ToLowerInvariant())
        {
            case "true" or "yes" or "on": return true;
            case "false" or "no" or "off": return false;
            default:
                Diagnostics.Error(Child(key), $"'{text}' is not true or false.", fix);
                return null;
        }
    }

    /// <summary>A nested mapping; null (no error) when absent or empty, null with an error when of another shape.</summary>
    public YamlSection? Section(string key, string fix)
    {
        switch (Node(key))
        {
            case null: return null;
            case YamlMappingNode m: return new YamlSection(m, Child(key), Diagnostics);
            default:
                Diagnostics.Error(Child(key), "must be a mapping of 'key: value' lines.", fix, atKey: true);
                return null;
        }
    }

    /// <summary>A list of plain values with the YAML path of each; null when absent, empty list on error.</summary>
    public IReadOnlyList<(string Value, string Path)>? List(string key, string fix)
    {
        var node = Node(key);
        if (node is null) return null;
        if (node is not YamlSequenceNode seq)
        {
            Diagnostics.Error(Child(key), "must be a list ('- item' lines or [a, b]).", fix, atKey: true);
            return [];
        }
        var items = new List<(string, string)>();
        for (var i = 0; i < seq.Children.Count; i++)
        {
            var path = $"{Child(key)}[{i}]";
            var item = seq.Children[i];
            Diagnostics.Record(path, null, item);
            if (item is YamlScalarNode { Value: { Length: > 0 } v }) items.Add((v, path));
            else Diagnostics.Error(path, "must be a plain value, not empty, a list or a mapping.", fix);
        }
        return items;
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: null or "" or "~" or "null" };

    public override string ToString() => $"{Path} ({_node.Children.Count} keys)";
}
