using CliWrap;
using CliWrap.Buffered;

namespace Orchestration.Nginx;

/// <summary>The nginx to use, or why there is none (with the command that would install it).</summary>
public sealed record NginxEnsureResult(string? Binary, string? Error, bool Installed)
{
    public bool Found => Binary is not null;
}

/// <summary>Runs one command (argv, extra environment) and returns its exit code and combined output.</summary>
public delegate Task<(int ExitCode, string Output)> PackageCommandRunner(
    IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken);

/// <summary>
/// Makes nginx available: finds it, and where it is missing and this process may install packages
/// (root with apt-get) installs <c>nginx-light</c> (falling back to <c>nginx</c>), saying so. Otherwise
/// fails with the install command for this system.
/// </summary>
public sealed class NginxInstaller(NginxLocator locator, Func<bool> isRoot, PackageCommandRunner run, Action<string> log)
{
    private static readonly IReadOnlyDictionary<string, string> Noninteractive =
        new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };

    public static NginxInstaller ForThisMachine(Action<string> log) =>
        new(NginxLocator.System, () => Processes.Posix.IsRoot, RunAsync, log);

    public async Task<NginxEnsureResult> EnsureAsync(string? configuredBinary, CancellationToken cancellationToken)
    {
        if (locator.Locate(configuredBinary) is { } found) return new NginxEnsureResult(found, null, false);
        if (locator.HasExplicitChoice(configuredBinary))
            return new NginxEnsureResult(null, $"{locator.Describe(configuredBinary)}. Fix: point it at an nginx executable, or unset it to search PATH.", false);

        var apt = locator.Which("apt-get");
        if (apt is null || !isRoot())
            return new NginxEnsureResult(null, $"{locator.Describe(null)}. Fix: install it with `{InstallCommand()}`, or set {NginxLocator.EnvironmentVariable} to its path.", false);

        log("nginx is not installed; installing it with apt-get (nginx-light) ...");
        var update = await run([apt, "update"], Noninteractive, cancellationToken);
        if (update.ExitCode != 0) log($"apt-get update exited with {update.ExitCode}; trying the install anyway.");
        foreach (var package in new[] { "nginx-light", "nginx" })
        {
            var install = await run([apt, "install", "-y", "--no-install-recommends", package], Noninteractive, cancellationToken);
            if (install.ExitCode == 0 && locator.Locate(null) is { } installed)
            {
                log($"installed {package}: {installed}");
                return new NginxEnsureResult(installed, null, true);
            }
            log($"apt-get install {package} exited with {install.ExitCode}.");
        }
        return new NginxEnsureResult(null, "apt-get could not install nginx-light or nginx. Fix: run `apt-get install -y nginx-light` and read its error.", false);
    }

    /// <summary>The command a user of this system would run to install nginx.</summary>
    public string InstallCommand()
    {
        var sudo = isRoot() ? "" : "sudo ";
        if (locator.Which("apt-get") is not null) return $"{sudo}apt-get install -y nginx-light";
        if (locator.Which("dnf") is not null) return $"{sudo}dnf install -y nginx";
        if (locator.Which("yum") is not null) return $"{sudo}yum install -y nginx";
        if (locator.Which("apk") is not null) return $"{sudo}apk add nginx";
        if (locator.Which("pacman") is not null) return $"{sudo}pacman -S --noconfirm nginx";
        if (locator.Which("zypper") is not null) return $"{sudo}zypper install -y nginx";
        if (locator.Which("brew") is not null) return "brew install nginx";
        return "your package manager's nginx package (see https://nginx.org/en/linux_packages.html)";
    }

    private static async Task<(int, string)> RunAsync(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var result = await Cli.Wrap(argv[0]).WithArguments(argv.Skip(1)).WithEnvironmentVariables(environment.ToDictionary(e => e.Key, string? (e) => e.Value))
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken);
        return (result.ExitCode, result.StandardOutput + result.StandardError);
    }
}
