using Orchestration.Config;
using Orchestration.IO;
using Orchestration.Processes;

namespace Orchestration.Nginx;

/// <summary>
/// Who nginx's workers (the processes that parse untrusted requests) run as, and where the only
/// folders they write (the temp paths) live. As root, the master stays root and the workers run as
/// an unprivileged account (nginx.user, default www-data or nobody); local_dir stays the owner's
/// but for the right to pass through it (0711) to the temp folders, which nginx hands to the workers.
/// Where a folder above local_dir does not let others pass (a repository under /root), the temp
/// folders move to <c>/var/tmp/orchestration-&lt;hash&gt;</c>, one per deployment.
/// </summary>
public sealed record NginxWorkers(string? User, string TempRoot)
{
    /// <summary>Workers that are not root: folders they must reach are opened to pass through.</summary>
    public bool Unprivileged => User is not null and not "root";

    /// <summary>Not root: no <c>user</c> directive, workers are the caller, temp under local_dir.</summary>
    public static NginxWorkers Caller(LocalPaths paths) => new(null, paths.Temp);

    /// <exception cref="InvalidOperationException">nginx.user names no account of this machine.</exception>
    public static NginxWorkers For(DeploymentConfig config, bool isRoot)
    {
        if (!isRoot) return Caller(config.Paths);
        var name = config.Nginx.User ?? (UnixAccount.Find("www-data") is not null ? "www-data" : "nobody");
        if (name == "root") return new NginxWorkers("root", config.Paths.Temp);
        if (UnixAccount.Find(name) is null)
            throw new InvalidOperationException(
                $"nginx.user: '{name}' is not an account on this machine (/etc/passwd). Fix: name one that exists, such as www-data or nobody, or create it (useradd --system {name}).");
        var temp = OthersCanPass(config.Paths.Root) ? config.Paths.Temp : Path.Combine("/var/tmp", "orchestration-" + ShortHash.Of(config.Paths.Root, 12), "temp");
        return new NginxWorkers(name, temp);
    }

    /// <summary>True when every folder above <paramref name="dir"/> lets others pass through (o+x).</summary>
    public static bool OthersCanPass(string dir)
    {
        for (var parent = Path.GetDirectoryName(Path.GetFullPath(dir)); parent is not null; parent = Path.GetDirectoryName(parent))
        {
            if (!Directory.Exists(parent)) continue; // created later, by us, passable
            if ((File.GetUnixFileMode(parent) & UnixFileMode.OtherExecute) == 0) return false;
        }
        return true;
    }

}
