using Orchestration.IO;
using System.Text.Json.Serialization;
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
    private static readonly ConcurrentDictionary<string, Task<Version?>> Cache = new(StringComparer.Ordinal);

    /// <summary>Parses <c>nginx version: nginx/1.22.1</c> (or openresty/...); null when there is no version.</summary>
    public static Version? Parse(string versionOutput)
    {
        var match = VersionPattern().Match(versionOutput);
        return match.Success ? new Version(match.Groups[1].Value) : null;
    }

    /// <summary>True when the binary accepts <c>-e</c>; unknown versions are assumed recent.</summary>
    public static bool SupportsErrorLogFlag(Version? version) => version is null || version >= ErrorLogFlagSince;

    /// <summary>
    /// Runs <c>nginx -v</c> once per binary path and remembers the answer; the first call starts it, so
    /// a caller that knows it will need the answer can start it early and await it later (Start runs it
    /// beside <c>nginx -t</c>).
    /// </summary>
    public static Task<Version?> ProbeAsync(string nginxBinary, CancellationToken cancellationToken) =>
        Cache.GetOrAdd(nginxBinary, RunAsync).WaitAsync(cancellationToken);

    /// <summary>Starts the probe now, for a <see cref="ProbeAsync"/> later that then finds it done or under way.</summary>
    public static void StartProbe(string nginxBinary) => Cache.GetOrAdd(nginxBinary, RunAsync);

    private static async Task<Version?> RunAsync(string nginxBinary)
    {
        var argv = NginxCommands.Version(nginxBinary);
        var result = await Cli.Wrap(argv[0]).WithArguments(argv.Skip(1))
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(CancellationToken.None).ConfigureAwait(false);
        return Parse(result.StandardError + result.StandardOutput);
    }

    /// <summary>Since 1.25.1 HTTP/2 is <c>http2 on;</c>; before, a parameter of <c>listen</c>.</summary>
    public static readonly Version Http2DirectiveSince = new(1, 25, 1);

    /// <summary>How this binary spells HTTP/2, from <c>nginx -V</c> (its version and whether it has the module).</summary>
    public static Http2Syntax Http2(string versionOutput)
    {
        if (!versionOutput.Contains("--with-http_v2_module", StringComparison.Ordinal)) return Http2Syntax.None;
        return Parse(versionOutput) is { } v && v >= Http2DirectiveSince ? Http2Syntax.Directive : Http2Syntax.ListenParameter;
    }

    /// <summary>Runs <c>nginx -V</c> (version and build options) once per binary path.</summary>
    public static async Task<string> ProbeBuildAsync(string nginxBinary, CancellationToken cancellationToken)
    {
        if (BuildCache.TryGetValue(nginxBinary, out var known)) return known;
        var result = await Cli.Wrap(nginxBinary).WithArguments(["-V"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken);
        return BuildCache[nginxBinary] = result.StandardError + result.StandardOutput;
    }

    private static readonly ConcurrentDictionary<string, string> BuildCache = new(StringComparer.Ordinal);

    [GeneratedRegex(@"version: [A-Za-z.-]+/(\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex VersionPattern();
}

/// <summary>How a gateway with TLS turns HTTP/2 on, if the nginx build can.</summary>
[JsonConverter(typeof(SnakeCaseEnum<Http2Syntax>))]
public enum Http2Syntax
{
    None,
    ListenParameter,
    Directive,
}
