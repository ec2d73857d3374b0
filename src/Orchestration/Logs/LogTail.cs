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
        long position = File.Exists(path) ? new FileInfo(path).Length : 0;
        var partial = string.Empty;
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
            if (!File.Exists(path)) continue;
            var length = new FileInfo(path).Length;
            if (length < position) { position = 0; partial = string.Empty; } // truncated
            if (length == position) continue;
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(position, SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            var text = partial + await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            position = stream.Position;
            var parts = text.Split('\n');
            partial = parts[^1];
            foreach (var line in parts[..^1].Where(Accepts)) output(line);
        }
    }
}
