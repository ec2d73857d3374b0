using System.Globalization;
using k8s.Models;
using Orchestration.Config;
using Orchestration.Health;

namespace Orchestration.Kubernetes;

/// <summary>
/// The probes of a server's container, from the same health URLs the supervisor checks
/// (<c>&lt;api_base_url&gt;/&lt;module&gt;/health</c>) and the same <c>health:</c> settings.
/// <list type="bullet">
/// <item>startup: <c>core</c>'s health, every second, for the supervisor's start budget (attempts × interval);</item>
/// <item>readiness: every module's health. A probe has one handler, so a server with one module gets an
/// <c>httpGet</c>; with several, an <c>exec</c> of bash that asks each module in turn over
/// <c>/dev/tcp</c> (no curl needed in the image; bash is in every Debian-based image, ours included).
/// One module failing takes the pod out of its Service, as one module failing fails Start;</item>
/// <item>liveness: <c>core</c>'s health, leniently (3 misses 10 s apart): a stuck process is restarted,
/// a busy one is not.</item>
/// </list>
/// </summary>
public static class ModuleProbes
{
    public const string PortName = "http";

    public static V1Probe Startup(DeploymentConfig config, ServerConfig server) => new()
    {
        HttpGet = HttpGet(config, ModuleNames.Core),
        PeriodSeconds = 1,
        TimeoutSeconds = TimeoutSeconds(config),
        FailureThreshold = Math.Max(1, (int)Math.Ceiling(config.Health.Attempts * config.Health.IntervalSeconds)),
    };

    public static V1Probe Readiness(DeploymentConfig config, ServerConfig server) => server.Modules.Count == 1
        ? new V1Probe
        {
            HttpGet = HttpGet(config, server.Modules[0]),
            PeriodSeconds = 5,
            TimeoutSeconds = TimeoutSeconds(config),
            FailureThreshold = 2,
        }
        : new V1Probe
        {
            Exec = new V1ExecAction { Command = ["bash", "-c", ReadinessScript(config, server)] },
            PeriodSeconds = 5,
            // The modules are asked one after another, each within health.timeout.
            TimeoutSeconds = TimeoutSeconds(config) * server.Modules.Count,
            FailureThreshold = 2,
        };

    public static V1Probe Liveness(DeploymentConfig config, ServerConfig server) => new()
    {
        HttpGet = HttpGet(config, ModuleNames.Core),
        PeriodSeconds = 10,
        TimeoutSeconds = TimeoutSeconds(config),
        FailureThreshold = 3,
    };

    /// <summary>
    /// bash that exits 0 only when every module of <paramref name="server"/> answers 200 on its health URL
    /// at 127.0.0.1:&lt;port&gt;, each within health.timeout; otherwise it names the module and what it got.
    /// </summary>
    public static string ReadinessScript(DeploymentConfig config, ServerConfig server)
    {
        var port = server.Port.ToString(CultureInfo.InvariantCulture);
        var timeout = config.Health.TimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        var paths = string.Join(' ', server.Modules.Select(m => ShellQuote(HealthUrls.For("", config.ApiBaseUrl, m))));
        return $"for path in {paths}; do " +
               $"exec 3<>/dev/tcp/127.0.0.1/{port} || exit 1; " +
               "printf 'GET %s HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' \"$path\" >&3; " +
               $"status=''; IFS= read -r -t {timeout} status <&3; exec 3<&-; " +
               "case \"$status\" in 'HTTP/1.'?' 200 '*) ;; *) echo \"$path: ${status:-no answer}\" >&2; exit 1;; esac; " +
               "done";
    }

    private static V1HTTPGetAction HttpGet(DeploymentConfig config, string module) => new()
    {
        Path = HealthUrls.For("", config.ApiBaseUrl, module),
        Port = PortName,
    };

    private static int TimeoutSeconds(DeploymentConfig config) => Math.Max(1, (int)Math.Ceiling(config.Health.TimeoutSeconds));

    private static string ShellQuote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
