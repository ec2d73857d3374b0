using Orchestration.Packages;

namespace Orchestration.Nginx;

/// <summary>The nginx to use, or why there is none (with the command that would install it).</summary>
public sealed record NginxEnsureResult(string? Binary, string? Error, bool Installed)
{
    public bool Found => Binary is not null;
}

/// <summary>
/// Makes nginx available: finds it, and where it is missing and this process may install packages
/// (root with apt-get) installs <c>nginx-light</c> (falling back to <c>nginx</c>), saying so. Otherwise
/// fails with the install command for this system. The apt-get part is <see cref="PackageInstaller"/>.
/// </summary>
public sealed class NginxInstaller(NginxLocator locator, Func<bool> isRoot, PackageCommandRunner run, Action<string> log)
{
    private readonly PackageInstaller _packages = new(locator.Which, isRoot, run, log);

    public static NginxInstaller ForThisMachine(Action<string> log) =>
        new(NginxLocator.System, () => Processes.Posix.IsRoot, PackageInstaller.RunCommandAsync, log);

    public async Task<NginxEnsureResult> EnsureAsync(string? configuredBinary, CancellationToken cancellationToken)
    {
        if (locator.Locate(configuredBinary) is { } found) return new NginxEnsureResult(found, null, false);
        if (locator.HasExplicitChoice(configuredBinary))
            return new NginxEnsureResult(null, $"{locator.Describe(configuredBinary)}. Fix: point it at an nginx executable, or unset it to search PATH.", false);

        if (!_packages.CanInstall)
            return new NginxEnsureResult(null, $"{locator.Describe(null)}. Fix: install it with `{InstallCommand()}`, or set {NginxLocator.EnvironmentVariable} to its path.", false);

        log("nginx is not installed; installing it with apt-get (nginx-light) ...");
        var installed = await _packages.InstallAsync(["nginx-light", "nginx"], () => locator.Locate(null), cancellationToken).ConfigureAwait(false);
        return installed is null
            ? new NginxEnsureResult(null, "apt-get could not install nginx-light or nginx. Fix: run `apt-get install -y nginx-light` and read its error.", false)
            : new NginxEnsureResult(installed, null, true);
    }

    /// <summary>The command a user of this system would run to install nginx.</summary>
    public string InstallCommand() => _packages.InstallCommand("nginx-light", "nginx");
}
