using Orchestration.Config;

namespace Orchestration.Nginx;

/// <summary>
/// Where nginx writes its pid and its logs: files under local_dir on this machine; in a container,
/// the standard streams (<c>stderr</c>, <c>/dev/stdout</c>) the platform collects.
/// </summary>
public sealed record NginxFiles(string Pid, string ErrorLog, string AccessLog)
{
    /// <summary>
    /// How nginx buffers the access log (the parameters after the format), or null to write each line at once.
    /// The supervisor reads the file every 250 ms (AccessLogFollower), so lines written at most 250 ms late
    /// reach its figures within half a second, and nginx makes one write per 64 KB instead of one per
    /// request (docs/performance.md, "Gateway path: where it spends").
    /// </summary>
    public string? AccessLogBuffer { get; init; }

    /// <summary>The buffering of the supervisor's access log: a write per 64 KB, and none later than 250 ms.</summary>
    public const string FollowedBuffer = "buffer=64k flush=250ms";

    /// <summary>The supervisor's layout: <c>&lt;local_dir&gt;/nginx.pid</c> and <c>&lt;local_dir&gt;/logs/</c>.</summary>
    public static NginxFiles Under(LocalPaths paths) =>
        new(paths.NginxPid, paths.NginxErrorLog, paths.NginxAccessLog) { AccessLogBuffer = FollowedBuffer };

    /// <summary>A container's: the pid in <paramref name="runDirectory"/>, the error log on stderr, the access log on stdout.</summary>
    public static NginxFiles StandardStreams(string runDirectory) => new(Path.Combine(runDirectory, "nginx.pid"), "stderr", "/dev/stdout");
}
