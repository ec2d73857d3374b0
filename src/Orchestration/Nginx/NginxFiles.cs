using Orchestration.Config;

namespace Orchestration.Nginx;

/// <summary>
/// Where nginx writes its pid and its logs: files under local_dir on this machine; in a container,
/// the standard streams (<c>stderr</c>, <c>/dev/stdout</c>) the platform collects.
/// </summary>
public sealed record NginxFiles(string Pid, string ErrorLog, string AccessLog)
{
    /// <summary>The supervisor's layout: <c>&lt;local_dir&gt;/nginx.pid</c> and <c>&lt;local_dir&gt;/logs/</c>.</summary>
    public static NginxFiles Under(LocalPaths paths) => new(paths.NginxPid, paths.NginxErrorLog, paths.NginxAccessLog);

    /// <summary>A container's: the pid in <paramref name="runDirectory"/>, the error log on stderr, the access log on stdout.</summary>
    public static NginxFiles StandardStreams(string runDirectory) => new(Path.Combine(runDirectory, "nginx.pid"), "stderr", "/dev/stdout");
}
