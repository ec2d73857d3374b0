using Orchestration.Config;
using Orchestration.IO;
using Orchestration.Nginx;

namespace Orchestration.Specs;

/// <summary>
/// The folder the gateway reads the deployment-wide documents from: <c>specs.output</c> itself, unless
/// nginx's workers run as another account that cannot pass through a folder above it (a repository
/// under /root, as root): then a copy of the three served files in
/// <c>/var/tmp/orchestration-&lt;hash&gt;/specs</c>, as the workers' temp folders do (see <see cref="NginxWorkers"/>).
/// </summary>
public static class SpecServing
{
    public static string Folder(DeploymentConfig config, NginxWorkers workers) =>
        !workers.Unprivileged || NginxWorkers.OthersCanPass(config.Specs.Output)
            ? config.Specs.Output
            : Path.Combine("/var/tmp", "orchestration-" + ShortHash.Of(config.Paths.Root, 12), "specs");

    /// <summary>Copies the served files into <paramref name="served"/> when it is not the output folder itself.</summary>
    public static void Mirror(string output, string? served)
    {
        if (served is null || served == output) return;
        Directory.CreateDirectory(served);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(served, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        foreach (var name in new[] { SpecSet.OpenApiFile, SpecSet.AsyncApiFile, SpecSet.DocsFile })
        {
            var source = Path.Combine(output, name);
            if (!File.Exists(source)) continue;
            var temp = Path.Combine(served, name + ".tmp");
            File.Copy(source, temp, overwrite: true);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead | UnixFileMode.GroupRead);
            File.Move(temp, Path.Combine(served, name), overwrite: true);
        }
    }
}
