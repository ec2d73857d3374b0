namespace Orchestration.Logs;

/// <summary>
/// LogsTail: prints the last lines of a log and follows it (like <c>tail -F</c>): survives
/// truncation by LogsClean and the file appearing later; optionally only one process's lines.
/// </summary>
public sealed class LogTail(string path, Action<string> output, string? processFilter = null)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>True for every line without a filter; with one, lines of that process or of that server's instances.</summary>
    public bool Accepts(string line)
    {
        if (processFilter is null) return true;
        var separator = line.IndexOf(">> ", StringComparison.Ordinal);
        if (separator < 0) return false;
        var name = line[..separator].TrimEnd();
        return name == processFilter || name.StartsWith(processFilter + "-", StringComparison.Ordinal);
    }

    public async Task RunAsync(int lines, bool follow, CancellationToken cancellationToken)
    {
        foreach (var line in LogFiles.LastLines(path, lines * (processFilter is null ? 1 : 20)).Where(Accepts).TakeLast(lines))
            output(line);
        if (!follow) return;
        // The open handle follows the file it was opened on, also once it has been renamed by a
        // rotation: it is read to its end before the tail moves on to the new file at the path.
        FileStream? stream = null;
        var partial = string.Empty;
        try
        {
            if (File.Exists(path))
            {
                stream = Open();
                stream.Seek(0, SeekOrigin.End);
            }
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                if (stream is null)
                {
                    if (!File.Exists(path)) continue;
                    stream = Open();
                }
                if (stream.Length < stream.Position) { stream.Position = 0; partial = string.Empty; } // truncated (LogsClean)
                partial = await ReadOnAsync(stream, partial, cancellationToken).ConfigureAwait(false);
                if (Rotated(stream))
                {
                    partial = await ReadOnAsync(stream, partial, cancellationToken).ConfigureAwait(false); // its last lines
                    await stream.DisposeAsync().ConfigureAwait(false);
                    stream = File.Exists(path) ? Open() : null;
                    if (stream is not null) partial = await ReadOnAsync(stream, partial, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private FileStream Open() => new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    /// <summary>
    /// The path now names another file than the one open: a rotation renamed ours away. The path's file
    /// being shorter than what was read of ours (or missing) tells, as a new file starts empty.
    /// </summary>
    private bool Rotated(FileStream stream)
    {
        if (!File.Exists(path)) return stream.Position > 0;
        var atPath = new FileInfo(path).Length;
        return atPath < stream.Position && stream.Length >= stream.Position;
    }

    private async Task<string> ReadOnAsync(FileStream stream, string partial, CancellationToken cancellationToken)
    {
        if (stream.Length == stream.Position) return partial;
        var buffer = new byte[stream.Length - stream.Position];
        var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        var text = partial + System.Text.Encoding.UTF8.GetString(buffer, 0, read);
        var parts = text.Split('\n');
        foreach (var line in parts[..^1].Where(Accepts)) output(line);
        return parts[^1];
    }
}
