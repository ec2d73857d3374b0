using Orchestration.Config;

namespace Orchestration.Logs;

/// <summary>
/// Size-based rotation as logrotate does it with <c>rotate N</c>: <c>x.log</c> → <c>x.log.1</c>,
/// <c>x.log.1</c> → <c>x.log.2</c>, …, the oldest beyond <see cref="LogSettings.MaxFiles"/> deleted.
/// Only ever touches the files of one log path, so two deployments (two local_dirs) never meet.
/// </summary>
public static class LogRotation
{
    public static string Rotated(string path, int n) => $"{path}.{n}";

    /// <summary>Shifts the rotated files up and renames <paramref name="path"/> to <c>.1</c>; the writer reopens a new file.</summary>
    public static void Shift(string path, int maxFiles)
    {
        var oldest = Rotated(path, maxFiles);
        if (File.Exists(oldest)) File.Delete(oldest);
        for (var n = maxFiles - 1; n >= 1; n--)
        {
            if (File.Exists(Rotated(path, n))) File.Move(Rotated(path, n), Rotated(path, n + 1), overwrite: true);
        }
        if (File.Exists(path)) File.Move(path, Rotated(path, 1), overwrite: true);
    }

    /// <summary>Every file of the log, oldest first (<c>x.log.5</c> … <c>x.log.1</c>, <c>x.log</c>).</summary>
    public static IReadOnlyList<string> Generations(string path, int maxFiles) =>
        Enumerable.Range(1, maxFiles).Reverse().Select(n => Rotated(path, n)).Append(path).Where(File.Exists).ToList();
}
