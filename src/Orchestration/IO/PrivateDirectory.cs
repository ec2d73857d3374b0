namespace Orchestration.IO;

/// <summary>Folders only their owner can enter (0700): local_dir holds pids, logs and state.</summary>
public static class PrivateDirectory
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the folder (and missing parents) owner-only; tightens an existing one.</summary>
    public static void Create(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        Directory.CreateDirectory(path, OwnerOnly);
        File.SetUnixFileMode(path, OwnerOnly);
    }
}
