using System.Text.RegularExpressions;

namespace Orchestration.Config;

/// <summary>The shapes and ranges values must have; shared by the parser and the validator.</summary>
internal static partial class ConfigRules
{
    public const int MinPort = 1024;
    public const int MaxPort = 65535;
    public const string PortFix = "use a port between 1024 and 65535.";

    /// <summary>Server and module names: they become nginx identifiers, file names and URL segments.</summary>
    [GeneratedRegex("^[a-z][a-z0-9_-]{0,62}$")]
    public static partial Regex Name();

    /// <summary>Query parameter and environment variable names.</summary>
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    public static partial Regex Identifier();

    /// <summary>An URL prefix nginx can take literally: '/' segments of unreserved characters, no trailing slash.</summary>
    [GeneratedRegex("^(/[A-Za-z0-9._~-]+)+$")]
    public static partial Regex ApiBaseUrl();

    /// <summary>Placeholders in a command: {port} {name} {instance} {modules}, or a misspelt one.</summary>
    /// <summary>A POSIX account name (nginx.user).</summary>
    [GeneratedRegex("^[a-z_][a-z0-9_-]{0,31}$")]
    public static partial Regex UserName();

    [GeneratedRegex(@"\{([A-Za-z_]+)\}")]
    public static partial Regex Placeholder();

    public static readonly string[] Placeholders = ["port", "name", "instance", "modules"];

    /// <summary>Characters that would change the meaning of a path inside nginx.conf (variables, quoting, blocks).</summary>
    public static bool IsNginxSafePath(string path) =>
        !path.Any(c => char.IsControl(c) || c is '"' or '\'' or '$' or '\\' or ';' or '{' or '}' or '#');

    public static string NameFix(string what) =>
        $"use lower-case letters, digits, '-' and '_', starting with a letter (e.g. 'broker'); {what} names become nginx and file names.";

    /// <summary>Resolves a path from the config against the config file's folder.</summary>
    public static string Resolve(string baseDirectory, string path)
    {
        var expanded = path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..])
            : path;
        return Path.GetFullPath(Path.Combine(baseDirectory, expanded));
    }
}
