using System.Globalization;
using Orchestration.Config;
using Orchestration.IO;

namespace Orchestration.Lifecycle;

/// <summary>
/// One Start (or Restart, or Stop) at a time per deployment (DESIGN rule 5): an exclusive lock on
/// <c>.local/start.lock</c>, released by the kernel even if this process dies.
/// </summary>
public sealed class StartLock : IDisposable
{
    private readonly FileStream _stream;

    private StartLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock, or throws <see cref="RefusedException"/> naming the pid that holds it.</summary>
    public static StartLock Acquire(LocalPaths paths)
    {
        PrivateDirectory.Create(paths.Root);
        try
        {
            var stream = new FileStream(paths.Lock, new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                UnixCreateMode = AtomicFile.OwnerOnlyFile,
            });
            // Beside the lock, not in it: a reader of a locked file would need the lock itself.
            AtomicFile.WriteAllText(HolderFile(paths), Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            return new StartLock(stream);
        }
        catch (IOException)
        {
            var holder = ReadHolder(HolderFile(paths));
            throw new RefusedException(
                $"Another Start, Stop or Restart of this deployment is running{(holder is null ? "" : $" (pid {holder})")}. " +
                $"Wait for it to finish; the lock is {paths.Lock}.");
        }
    }

    private static string HolderFile(LocalPaths paths) => paths.Lock + ".pid";

    private static string? ReadHolder(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _stream.Dispose();
}
