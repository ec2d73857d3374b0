using Orchestration.Config;

namespace Orchestration.Nginx;

/// <summary>
/// The argv of each nginx invocation, built in one place. All of them pass <c>-p</c> (prefix =
/// local_dir) and <c>-e</c> (startup error log, nginx ≥ 1.19.5) so nginx never touches
/// /var/log/nginx, which fails for a normal user.
/// </summary>
public static class NginxCommands
{
    /// <summary>
    /// Runs nginx in the foreground under a supervisor (<c>daemon off;</c> on the command line, not
    /// in the file). Pass <paramref name="errorLogFlag"/> false for nginx older than 1.19.5 (see <see cref="NginxVersion"/>).
    /// </summary>
    public static IReadOnlyList<string> Foreground(string nginxBinary, string confPath, LocalPaths paths, bool errorLogFlag = true) =>
        [nginxBinary, .. Common(confPath, paths, errorLogFlag), "-g", "daemon off;"];

    /// <summary>
    /// Runs nginx in the foreground with its prefix in <paramref name="prefix"/> and its startup error
    /// log in <paramref name="errorLog"/> (a file, or <c>stderr</c>): what a container runs.
    /// </summary>
    public static IReadOnlyList<string> Foreground(string nginxBinary, string confPath, string prefix, string errorLog) =>
        [nginxBinary, "-c", confPath, "-p", EnsureTrailingSlash(prefix), "-e", errorLog, "-g", "daemon off;"];

    /// <summary>Checks a config: quiet unless something is wrong.</summary>
    public static IReadOnlyList<string> Test(string nginxBinary, string confPath, LocalPaths paths, bool errorLogFlag = true) =>
        [nginxBinary, "-t", "-q", .. Common(confPath, paths, errorLogFlag)];

    /// <summary>Prints the version (on stderr: <c>nginx version: nginx/1.22.1</c>).</summary>
    public static IReadOnlyList<string> Version(string nginxBinary) => [nginxBinary, "-v"];

    public static IReadOnlyList<string> Foreground(string nginxBinary, DeploymentConfig config) =>
        Foreground(nginxBinary, config.Paths.NginxConf, config.Paths);

    public static IReadOnlyList<string> Test(string nginxBinary, DeploymentConfig config) =>
        Test(nginxBinary, config.Paths.NginxConf, config.Paths);

    private static string[] Common(string confPath, LocalPaths paths, bool errorLogFlag) => errorLogFlag
        ? ["-c", confPath, "-p", EnsureTrailingSlash(paths.Root), "-e", paths.NginxErrorLog]
        : ["-c", confPath, "-p", EnsureTrailingSlash(paths.Root)];

    private static string EnsureTrailingSlash(string path) => path.EndsWith('/') ? path : path + "/";
}
