using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Orchestration.Config;

/// <summary>
/// Reads a deployment YAML file into a validated <see cref="DeploymentConfig"/>, or reports every
/// problem at once with file, line, column, YAML path, value and fix. Never writes anything.
/// </summary>
public static class ConfigLoader
{
    /// <summary>Loads and validates <paramref name="configPath"/>; never throws for bad input.</summary>
    /// <param name="text">The file's text as it is about to be written (Scale); null reads the file.</param>
    public static ConfigResult Load(string configPath, ConfigLoadOptions? options = null, string? text = null)
    {
        var fullPath = Path.GetFullPath(configPath);
        var diagnostics = new ConfigDiagnostics(Path.GetFileName(fullPath));
        var root = ReadRoot(fullPath, text, diagnostics);
        if (root is null) return new ConfigResult(null, diagnostics.Errors);

        var parser = new ConfigParser(diagnostics, fullPath, options ?? new ConfigLoadOptions());
        var config = parser.Parse(root);
        new ConfigValidator(diagnostics, parser.ModulePaths).Validate(config);
        return diagnostics.HasErrors ? new ConfigResult(null, diagnostics.Errors) : new ConfigResult(config, []);
    }

    /// <summary>Loads and validates, or throws <see cref="ConfigException"/> listing every error.</summary>
    public static DeploymentConfig LoadOrThrow(string configPath, ConfigLoadOptions? options = null)
    {
        var result = Load(configPath, options);
        return result.Config ?? throw new ConfigException(result.Errors);
    }

    private static YamlMappingNode? ReadRoot(string path, string? edited, ConfigDiagnostics diagnostics)
    {
        string text;
        try
        {
            text = edited ?? File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            diagnostics.FileError($"config file not found: {path}.", "pass an existing file with --config, e.g. --config dev-config.yaml.");
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.FileError($"cannot read {path}: {ex.Message}", "check that the file is readable by this user.");
            return null;
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            var mark = ex.Start;
            var message = ex.Message.Contains("Duplicate key", StringComparison.Ordinal)
                ? $"key '{KeyAt(text, mark)}' appears twice in the same mapping."
                : $"YAML syntax error: {Sentence(ex.InnerException?.Message ?? ex.Message)}";
            diagnostics.ErrorAt(mark, "", null, message, "check the indentation (spaces only), colons and quotes on this line and the one before.");
            return null;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            diagnostics.FileError("the file is empty.", "start from dev-config.yaml; a deployment needs at least servers:.");
            return null;
        }
        if (stream.Documents.Count > 1)
        {
            diagnostics.ErrorAt(stream.Documents[1].RootNode.Start, "", null, "the file holds more than one YAML document ('---').",
                "keep one deployment per file.");
            return null;
        }
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            var node = stream.Documents[0].RootNode;
            var shape = node is YamlSequenceNode ? "a list" : "a single value";
            diagnostics.ErrorAt(node.Start, "", null, $"the top level is {shape}, not a mapping of settings.",
                "write top-level keys such as 'servers:' at the start of the line, without a leading '-'.");
            return null;
        }
        return root;
    }

    /// <summary>The key written at a mark, for "duplicate key" (YamlDotNet does not name it).</summary>
    private static string KeyAt(string text, Mark mark)
    {
        var lines = text.Split('\n');
        if (mark.Line < 1 || mark.Line > lines.Length) return "?";
        var line = lines[(int)mark.Line - 1];
        var start = Math.Min((int)mark.Column - 1, line.Length);
        var colon = line.IndexOf(':', start);
        return (colon < 0 ? line[start..] : line[start..colon]).Trim().Trim('"', '\'');
    }

    private static string Sentence(string message)
    {
        var trimmed = message.Trim();
        return trimmed.EndsWith('.') ? trimmed : trimmed + ".";
    }
}
