namespace Orchestration.IO;

/// <summary>Folders only their owner can enter (0700): local_dir holds pids, logs and state.</summary>
public static class PrivateDirectory
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode OthersReadWrite = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    /// <summary>
    /// Creates the folder (and missing parents) owner-only; tightens an existing one so no one else
    /// may list or write it. A pass-through right (x) given on purpose stays: nginx's unprivileged
    /// workers pass through local_dir to their temp folders.
    /// </summary>
    public static void Create(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, OwnerOnly);
            File.SetUnixFileMode(path, OwnerOnly);
            return;
        }
        var mode = File.GetUnixFileMode(path);
        var tightened = (mode & ~OthersReadWrite) | OwnerOnly;
        if (tightened != mode) File.SetUnixFileMode(path, tightened);
    }
}
