using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;

namespace Orchestration.Nginx;

/// <summary>
/// The version of an nginx binary, for features newer than some distributions ship: <c>-e</c>
/// (startup error log) exists since 1.19.5; Ubuntu 22.04 still ships 1.18.
/// </summary>
public static partial class NginxVersion
{
    public static readonly Version ErrorLogFlagSince = new(1, 19, 5);
    private static readonly ConcurrentDictionary<string, Version?> Cache = new(StringComparer.Ordinal);

    /// <summary>Parses <c>nginx version: nginx/1.22.1</c> (or openresty/...); null when there is no version.</summary>
    public static Version? Parse(string versionOutput)
    {
        var match = VersionPattern().Match(versionOutput);
        return match.Success ? new Version(match.Groups[1].Value) : null;
    }

    /// <summary>True when the binary accepts <c>-e</c>; unknown versions are assumed recent.</summary>
    public static bool SupportsErrorLogFlag(Version? version) => version is null || version >= ErrorLogFlagSince;

    /// <summary>Runs <c>nginx -v</c> once per binary path and remembers the answer.</summary>
    public static async Task<Version?> ProbeAsync(string nginxBinary, CancellationToken cancellationToken)
    {
        if (Cache.TryGetValue(nginxBinary, out var known)) return known;
        var argv = NginxCommands.Version(nginxBinary);
        var result = await Cli.Wrap(argv[0]).WithArguments(argv.Skip(1))
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken);
        var version = Parse(result.StandardError + result.StandardOutput);
        Cache[nginxBinary] = version;
        return version;
    }

    [GeneratedRegex(@"version: [A-Za-z.-]+/(\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex VersionPattern();
}
