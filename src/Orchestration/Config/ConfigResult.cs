namespace Orchestration.Config;

/// <summary>Options for <see cref="ConfigLoader.Load"/>.</summary>
public sealed record ConfigLoadOptions
{
    /// <summary>
    /// Absolute path of the bundled <c>src/TradingApi/TradingApi.csproj</c>: the project a server
    /// runs when it names neither <c>command</c> nor <c>project</c>. Null leaves
    /// <see cref="ServerConfig.Project"/> null for such servers.
    /// </summary>
    public string? BundledProject { get; init; }
}

/// <summary>
/// One problem in a config file: where it is (YAML path, line, column), the offending value, what
/// is wrong and how to fix it. Line and Column are 1-based; 0 means "the whole file".
/// </summary>
public sealed record ConfigError(string Path, int Line, int Column, string? Value, string Message, string Fix)
{
    /// <summary>File name shown in front of the location (e.g. <c>dev-config.yaml</c>).</summary>
    public string File { get; init; } = "";

    /// <summary><c>dev-config.yaml:12:11: servers.broker.port: 70000 is not a valid port. Fix: use a port between 1024 and 65535.</c></summary>
    public override string ToString()
    {
        var where = Line > 0 ? $"{File}:{Line}:{Column}" : File;
        var path = Path.Length > 0 ? Path + ": " : "";
        var fix = Fix.Length > 0 ? " Fix: " + Fix : "";
        return $"{where}: {path}{Message}{fix}";
    }
}

/// <summary>What <see cref="ConfigLoader.Load"/> found: a deployment, or every error at once.</summary>
public sealed record ConfigResult(DeploymentConfig? Config, IReadOnlyList<ConfigError> Errors)
{
    public bool IsValid => Config is not null && Errors.Count == 0;

    /// <summary>All errors, one per line.</summary>
    public string ErrorText => string.Join(Environment.NewLine, Errors);
}

/// <summary>Thrown by <see cref="ConfigLoader.LoadOrThrow"/>; the message lists every error, one per line.</summary>
public sealed class ConfigException(IReadOnlyList<ConfigError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;
}
