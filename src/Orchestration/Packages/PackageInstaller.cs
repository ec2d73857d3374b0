using CliWrap;
using CliWrap.Buffered;

namespace Orchestration.Packages;

/// <summary>Runs one command (argv, extra environment) and returns its exit code and combined output.</summary>
public delegate Task<(int ExitCode, string Output)> PackageCommandRunner(
    IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken);

/// <summary>A program that is needed, found or installed now, or why it is missing (with the fix).</summary>
public sealed record ToolResult(string Program, string? Path, string? Error, bool Installed)
{
    public bool Found => Path is not null;
}

/// <summary>
/// Installs system packages with apt-get when this process may (root, apt-get on PATH), saying so;
/// otherwise tells the install command for this system. Shared by every tool the build needs
/// (nginx for the gateway, wrk and hyperfine for the benchmark). <c>apt-get update</c> runs at most
/// once per installer.
/// </summary>
public sealed class PackageInstaller(Func<string, string?> which, Func<bool> isRoot, PackageCommandRunner run, Action<string> log)
{
    private static readonly IReadOnlyDictionary<string, string> Noninteractive =
        new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };

    private bool _updated;

    public static PackageInstaller ForThisMachine(Action<string> log) =>
        new(Which, () => Processes.Posix.IsRoot, RunCommandAsync, log);

    /// <summary>Where <paramref name="program"/> is on PATH, or null (through this installer's view of the machine).</summary>
    public string? Locate(string program) => which(program);

    /// <summary>True when <see cref="InstallAsync"/> can work here: root with apt-get.</summary>
    public bool CanInstall => which("apt-get") is not null && isRoot();

    /// <summary>
    /// Finds <paramref name="program"/> on PATH, else installs the first of <paramref name="packages"/> that
    /// apt-get installs and finds it then.
    /// </summary>
    public async Task<ToolResult> EnsureAsync(string program, IReadOnlyList<string> packages, CancellationToken cancellationToken)
    {
        if (which(program) is { } found) return new ToolResult(program, found, null, false);
        if (!CanInstall)
            return new ToolResult(program, null, $"{program} is not on PATH. Fix: install it with `{InstallCommand(packages[0])}`.", false);
        log($"{program} is not installed; installing it with apt-get ({packages[0]}) ...");
        var installed = await InstallAsync(packages, () => which(program), cancellationToken).ConfigureAwait(false);
        return installed is null
            ? new ToolResult(program, null, $"apt-get could not install {string.Join(" or ", packages)}. Fix: run `apt-get install -y {packages[0]}` and read its error.", false)
            : new ToolResult(program, installed, null, true);
    }

    /// <summary>
    /// Installs the first package of <paramref name="packages"/> that apt-get installs and after which
    /// <paramref name="locate"/> finds the program; returns what it found, or null. Call only when <see cref="CanInstall"/>.
    /// </summary>
    public async Task<string?> InstallAsync(IReadOnlyList<string> packages, Func<string?> locate, CancellationToken cancellationToken)
    {
        var apt = which("apt-get") ?? throw new InvalidOperationException("apt-get is not on PATH");
        if (!_updated)
        {
            var update = await run([apt, "update"], Noninteractive, cancellationToken).ConfigureAwait(false);
            if (update.ExitCode != 0) log($"apt-get update exited with {update.ExitCode}; trying the install anyway.");
            _updated = true;
        }
        foreach (var package in packages)
        {
            var install = await run([apt, "install", "-y", "--no-install-recommends", package], Noninteractive, cancellationToken).ConfigureAwait(false);
            if (install.ExitCode == 0 && locate() is { } installed)
            {
                log($"installed {package}: {installed}");
                return installed;
            }
            log($"apt-get install {package} exited with {install.ExitCode}.");
        }
        return null;
    }

    /// <summary>The command a user of this system would run to install <paramref name="package"/> (Debian's name; others usually match).</summary>
    public string InstallCommand(string package, string? otherSystemsPackage = null)
    {
        var sudo = isRoot() ? "" : "sudo ";
        var other = otherSystemsPackage ?? package;
        if (which("apt-get") is not null) return $"{sudo}apt-get install -y {package}";
        if (which("dnf") is not null) return $"{sudo}dnf install -y {other}";
        if (which("yum") is not null) return $"{sudo}yum install -y {other}";
        if (which("apk") is not null) return $"{sudo}apk add {other}";
        if (which("pacman") is not null) return $"{sudo}pacman -S --noconfirm {other}";
        if (which("zypper") is not null) return $"{sudo}zypper install -y {other}";
        if (which("brew") is not null) return $"brew install {other}";
        return $"your package manager's {other} package";
    }

    /// <summary>A program on PATH (a name with a slash is taken as a path).</summary>
    public static string? Which(string program)
    {
        if (program.Contains('/')) return IsExecutableFile(program) ? System.IO.Path.GetFullPath(program) : null;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => System.IO.Path.Combine(dir, program))
            .FirstOrDefault(IsExecutableFile);
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path)) return false;
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }

    /// <summary>Runs a package command for real (the default <see cref="PackageCommandRunner"/>).</summary>
    public static async Task<(int ExitCode, string Output)> RunCommandAsync(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var result = await Cli.Wrap(argv[0]).WithArguments(argv.Skip(1)).WithEnvironmentVariables(environment.ToDictionary(e => e.Key, string? (e) => e.Value))
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
        return (result.ExitCode, result.StandardOutput + result.StandardError);
    }
}
