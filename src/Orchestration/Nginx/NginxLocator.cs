namespace Orchestration.Nginx;

/// <summary>
/// Finds the nginx executable: the config's <c>nginx.binary</c>, then <c>NGINX_BINARY</c>, then
/// PATH, then the usual install places. An explicit choice (config or variable) that does not
/// exist is not silently replaced by another nginx: <see cref="Locate"/> returns null.
/// </summary>
public sealed class NginxLocator(Func<string, string?> getEnvironmentVariable, Func<string, bool> isExecutable)
{
    public const string EnvironmentVariable = "NGINX_BINARY";
    public static readonly IReadOnlyList<string> UsualPlaces = ["/usr/sbin/nginx", "/usr/local/nginx/sbin/nginx", "/usr/local/sbin/nginx", "/opt/homebrew/bin/nginx"];

    public static NginxLocator System { get; } = new(Environment.GetEnvironmentVariable, IsExecutableFile);

    /// <summary>Shortcut for <see cref="System"/>.<see cref="Locate"/>.</summary>
    public static string? Find(string? configuredBinary) => System.Locate(configuredBinary);

    /// <summary>The nginx to run, or null when there is none (or the explicit one is missing).</summary>
    public string? Locate(string? configuredBinary)
    {
        var explicitChoice = Explicit(configuredBinary);
        if (explicitChoice is not null) return Resolve(explicitChoice.Value.Value);
        return Which("nginx") ?? UsualPlaces.FirstOrDefault(isExecutable);
    }

    /// <summary>A program on PATH (a name with a slash is taken as a path).</summary>
    public string? Which(string program)
    {
        if (program.Contains('/')) return isExecutable(program) ? Path.GetFullPath(program) : null;
        var path = getEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(isExecutable);
    }

    /// <summary>True when the config or <c>NGINX_BINARY</c> names a binary: then no other nginx is used.</summary>
    public bool HasExplicitChoice(string? configuredBinary) => Explicit(configuredBinary) is not null;

    /// <summary>Where <see cref="Locate"/> looked, for an error message.</summary>
    public string Describe(string? configuredBinary) => Explicit(configuredBinary) is { } choice
        ? $"{choice.Source} is '{choice.Value}', which is not an executable file"
        : $"nginx is not on PATH nor in {string.Join(", ", UsualPlaces)}";

    private (string Source, string Value)? Explicit(string? configuredBinary)
    {
        if (!string.IsNullOrWhiteSpace(configuredBinary)) return ("nginx.binary in the config", configuredBinary);
        var env = getEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(env) ? null : ($"{EnvironmentVariable}", env);
    }

    private string? Resolve(string binary) => binary.Contains('/') ? (isExecutable(binary) ? binary : null) : Which(binary);

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path)) return false;
        if (OperatingSystem.IsWindows()) return true;
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
