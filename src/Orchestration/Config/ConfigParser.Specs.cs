namespace Orchestration.Config;

internal sealed partial class ConfigParser
{
    private static readonly string[] SpecKeys = ["enabled", "output", "clients"];

    /// <summary><c>specs:</c> where spec files and typed clients go (default <c>specs</c> and <c>specs/clients</c> next to the config).</summary>
    private SpecSettings ReadSpecs(YamlSection? specs, string localDir)
    {
        var output = ConfigRules.Resolve(_baseDirectory, "specs");
        if (specs is null) return new SpecSettings { Output = output, Clients = Path.Combine(output, "clients") };
        specs.RejectUnknownKeys(SpecKeys);
        var enabled = specs.Bool("enabled") ?? true;
        output = SpecFolder(specs, "output", "specs", localDir) ?? output;
        var clients = SpecFolder(specs, "clients", "specs/clients", localDir) ?? Path.Combine(output, "clients");
        if (specs.Has("output") && specs.Has("clients") && clients == output)
            diagnostics.Error("specs.clients", $"'{specs.String("clients", "")}' is the specs.output folder too.",
                "give the clients a folder of their own, e.g. specs/clients (generating clients replaces that folder's files).");
        return new SpecSettings { Enabled = enabled, Output = output, Clients = clients };
    }

    private string? SpecFolder(YamlSection specs, string key, string example, string localDir)
    {
        var fix = $"write a folder path relative to the config file, e.g. {example}.";
        var value = specs.String(key, fix);
        if (value is null) return null;
        if (value.Trim().Length == 0)
        {
            diagnostics.Error($"specs.{key}", "is empty.", fix);
            return null;
        }
        var resolved = ConfigRules.Resolve(_baseDirectory, value);
        if (!ConfigRules.IsNginxSafePath(resolved))
            diagnostics.Error($"specs.{key}", $"'{resolved}' contains a character nginx cannot take in a path (quote, $, \\, ;, {{, }}, #).",
                "choose a folder whose path has none of those characters (the gateway serves the spec files from it).");
        else if (IsUnder(resolved, localDir) || IsUnder(localDir, resolved))
            diagnostics.Error($"specs.{key}", $"'{value}' overlaps local_dir ({localDir}), which holds private state nginx's workers cannot read.",
                $"use a folder beside it, e.g. {example}.");
        return resolved;
    }

    private static bool IsUnder(string path, string folder) =>
        path == folder || path.StartsWith(folder.TrimEnd('/') + "/", StringComparison.Ordinal);
}
