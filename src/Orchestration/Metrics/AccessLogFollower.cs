using System.Text;

namespace Orchestration.Metrics;

/// <summary>
/// Reads the gateway's access log as nginx writes it, every <see cref="Interval"/>, from its end at
/// start. Across a rotation (the file renamed to <c>.1</c>, then nginx reopens a new one at the
/// path) the open handle still reads the renamed file to its end before moving to the new one, so
/// no line is lost or read twice; a truncation (LogsClean) starts over at 0.
/// </summary>
public sealed class AccessLogFollower(string path, Action<string> line) : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private readonly CancellationTokenSource _stop = new();
    private FileStream? _stream;
    private readonly byte[] _buffer = new byte[256 * 1024];
    private readonly StringBuilder _partial = new();
    private Task? _loop;

    public void Start() => _loop = Task.Run(LoopAsync);

    private async Task LoopAsync()
    {
        if (File.Exists(path))
        {
            _stream = Open();
            _stream.Seek(0, SeekOrigin.End);
        }
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false)) ReadOnce();
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>CPU seconds spent reading and recording lines (the benchmark's figure of what the metrics cost).</summary>
    public double CpuSeconds { get; private set; }

    /// <summary>Reads what was written since the last call (public for tests).</summary>
    public void ReadOnce()
    {
        var cpu = ThreadCpu.Seconds();
        try
        {
            ReadNew();
        }
        finally
        {
            CpuSeconds += ThreadCpu.Seconds() - cpu;
        }
    }

    private void ReadNew()
    {
        try
        {
            if (_stream is null)
            {
                if (!File.Exists(path)) return;
                _stream = Open();
            }
            if (_stream.Length < _stream.Position) { _stream.Position = 0; _partial.Clear(); }
            Drain(_stream);
            if (Rotated(_stream))
            {
                Drain(_stream);
                _stream.Dispose();
                _stream = File.Exists(path) ? Open() : null;
                if (_stream is not null) Drain(_stream);
            }
        }
        catch (IOException)
        {
            // the file went away between the checks: the next tick starts from what is there
        }
    }

    private FileStream Open() => new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);

    private bool Rotated(FileStream stream)
    {
        if (!File.Exists(path)) return stream.Position > 0;
        return new FileInfo(path).Length < stream.Position;
    }

    private void Drain(FileStream stream)
    {
        int read;
        while ((read = stream.Read(_buffer, 0, _buffer.Length)) > 0)
        {
            var text = Encoding.UTF8.GetString(_buffer, 0, read);
            var start = 0;
            for (var newline = text.IndexOf('\n'); newline >= 0; newline = text.IndexOf('\n', start))
            {
                if (_partial.Length > 0)
                {
                    _partial.Append(text, start, newline - start);
                    line(_partial.ToString());
                    _partial.Clear();
                }
                else line(text[start..newline]);
                start = newline + 1;
            }
            _partial.Append(text, start, text.Length - start);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(1));
        }
        catch (AggregateException)
        {
        }
        _stream?.Dispose();
        _stop.Dispose();
    }
}
