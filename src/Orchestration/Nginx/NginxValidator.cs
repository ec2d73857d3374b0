using CliWrap;
using CliWrap.Buffered;
using Orchestration.Config;

namespace Orchestration.Nginx;

/// <summary>What <c>nginx -t</c> said.</summary>
public sealed record NginxValidationResult(bool Success, int ExitCode, string Message)
{
    public override string ToString() => Success ? "nginx -t: configuration is valid" : $"nginx -t failed (exit {ExitCode}): {Message}";
}

/// <summary>Proves a generated config with the real nginx (<c>nginx -t</c>) before it is used.</summary>
public static class NginxValidator
{
    /// <summary>
    /// Runs <c>nginx -t -q -c &lt;conf&gt; -p &lt;localdir&gt; -e &lt;errorlog&gt;</c>. The local dir is
    /// taken as the folder holding <paramref name="confPath"/>; its logs and temp folders are created
    /// first (owner-only) because nginx -t opens them.
    /// </summary>
    public static Task<NginxValidationResult> ValidateAsync(string nginxBinary, string confPath, CancellationToken cancellationToken) =>
        ValidateAsync(nginxBinary, confPath, new LocalPaths(Path.GetDirectoryName(Path.GetFullPath(confPath))!), cancellationToken);

    /// <summary>As above, with the deployment's local dir given explicitly (the conf may live elsewhere, e.g. --output).</summary>
    public static Task<NginxValidationResult> ValidateAsync(string nginxBinary, string confPath, LocalPaths paths, CancellationToken cancellationToken) =>
        ValidateAsync(nginxBinary, confPath, paths, NginxWorkers.Caller(paths), cancellationToken);

    /// <summary>As above, for a config rendered for <paramref name="workers"/> (their temp folders are made first).</summary>
    public static async Task<NginxValidationResult> ValidateAsync(string nginxBinary, string confPath, LocalPaths paths, NginxWorkers workers, CancellationToken cancellationToken)
    {
        NginxDirectories.Ensure(paths, workers);
        BufferedCommandResult result;
        try
        {
            var errorLogFlag = NginxVersion.SupportsErrorLogFlag(await NginxVersion.ProbeAsync(nginxBinary, cancellationToken));
            var argv = NginxCommands.Test(nginxBinary, Path.GetFullPath(confPath), paths, errorLogFlag);
            result = await Cli.Wrap(argv[0])
                .WithArguments(argv.Skip(1))
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(cancellationToken);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new NginxValidationResult(false, -1, $"cannot run {nginxBinary}: {ex.Message}");
        }
        var message = string.Join(Environment.NewLine,
            new[] { result.StandardError, result.StandardOutput }.Select(s => s.Trim()).Where(s => s.Length > 0));
        return new NginxValidationResult(result.ExitCode == 0, result.ExitCode, message);
    }
}
