using Orchestration.Config;
using Orchestration.IO;

namespace Orchestration.Nginx;

/// <summary>The folders nginx needs before <c>nginx -t</c> or a start: logs and every temp path.</summary>
public static class NginxDirectories
{
    public static readonly IReadOnlyList<string> TempKinds = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"];

    /// <summary>Pass-through only (0711): others may reach a folder they know the name of, never list or write.</summary>
    public const UnixFileMode PassThrough = PrivateDirectory.OwnerOnly | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public static void Ensure(LocalPaths paths) => Ensure(paths, NginxWorkers.Caller(paths));

    /// <summary>
    /// Everything owner-only; for unprivileged workers, the folders on the way to the temp paths and
    /// logs/ are opened to pass through, never to list (nginx itself gives each temp folder, and its
    /// two log files, to the worker user).
    /// </summary>
    public static void Ensure(LocalPaths paths, NginxWorkers workers)
    {
        PrivateDirectory.Create(paths.Root);
        PrivateDirectory.Create(paths.Logs);
        PrivateDirectory.Create(workers.TempRoot);
        foreach (var kind in TempKinds) PrivateDirectory.Create(Path.Combine(workers.TempRoot, kind));
        if (!workers.Unprivileged || OperatingSystem.IsWindows()) return;
        // Workers reopen nginx's own logs by path after a rotation (SIGUSR1); nginx gives those two
        // files to the worker user then. Every other file in logs/ stays the owner's alone (0600).
        File.SetUnixFileMode(paths.Logs, PassThrough);
        File.SetUnixFileMode(workers.TempRoot, PassThrough);
        for (var dir = Path.GetDirectoryName(workers.TempRoot); dir is not null && IsUnder(dir, paths.Root, workers.TempRoot); dir = Path.GetDirectoryName(dir))
            File.SetUnixFileMode(dir, PassThrough);
    }

    /// <summary>The folders between the temp root and local_dir (or the /var/tmp one) that we made.</summary>
    private static bool IsUnder(string dir, string localDir, string tempRoot) =>
        tempRoot.StartsWith(localDir + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? dir.Length >= localDir.Length && (dir + Path.DirectorySeparatorChar).StartsWith(localDir + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            : dir.StartsWith("/var/tmp/orchestration-", StringComparison.Ordinal);
}
