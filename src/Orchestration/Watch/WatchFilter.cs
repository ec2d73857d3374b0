using Microsoft.Extensions.FileSystemGlobbing;

namespace Orchestration.Watch;

/// <summary>
/// Which changed paths start a reload. The guide's uvicorn exclusions, translated to this stack:
/// build output (bin/, obj/), runtime files (.local/, .pids/), generated specs (openapi.json,
/// asyncapi.json) and clients, scripts, caches, and editors' swap and backup files. A pure function
/// of the path relative to the watched folder.
/// </summary>
public sealed class WatchFilter
{
    public static readonly IReadOnlyList<string> ExcludedDirectories =
        ["bin", "obj", ".local", ".pids", ".git", ".vs", ".idea", "node_modules", "clients", "scripts", "__pycache__", "TestResults"];

    public static readonly IReadOnlyList<string> ExcludedFiles = ["openapi.json", "asyncapi.json", "4913", ".DS_Store"];

    public static readonly IReadOnlyList<string> ExcludedSuffixes = [".swp", ".swx", ".swo", "~", ".tmp", ".pyc", ".orig"];

    private readonly Matcher? _include;
    private readonly IReadOnlyList<string> _excludedFolders = [];

    /// <param name="include">Globs a change must match (a command server's <c>watch</c>); empty for "every file".</param>
    /// <param name="excludedFolders">
    /// Folders relative to the watched one whose files never start a reload: the spec files and clients
    /// the manager writes after a reload (a reload must never cause the next).
    /// </param>
    public WatchFilter(IReadOnlyList<string> include, IReadOnlyList<string>? excludedFolders = null)
    {
        _excludedFolders = excludedFolders?.Select(f => f.Replace('\\', '/').Trim('/')).Where(f => f.Length > 0 && f != ".").ToList() ?? [];
        if (include.Count == 0 || include.SequenceEqual(["**/*"])) return;
        _include = new Matcher(StringComparison.Ordinal);
        _include.AddIncludePatterns(include);
    }

    public bool IsRelevant(string relativePath)
    {
        var path = relativePath.Replace('\\', '/');
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0) return false;
        if (_excludedFolders.Any(f => path == f || path.StartsWith(f + "/", StringComparison.Ordinal))) return false;
        if (segments[..^1].Any(s => ExcludedDirectories.Contains(s))) return false;
        var name = segments[^1];
        if (ExcludedDirectories.Contains(name) || ExcludedFiles.Contains(name)) return false;
        if (name.StartsWith(".#", StringComparison.Ordinal) || name.StartsWith("#", StringComparison.Ordinal)) return false;
        if (ExcludedSuffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal))) return false;
        return _include is null || _include.Match(path).HasMatches;
    }
}
