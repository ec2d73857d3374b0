using System.Globalization;
using System.Text;
using Orchestration.Config;
using Orchestration.IO;

namespace Orchestration.Logs;

/// <summary>
/// Every line a child prints goes whole to <c>logs/&lt;name&gt;.log</c> and, prefixed with the name
/// padded to 20, to <c>logs/backend-unified.log</c>. One writer per deployment (the supervisor),
/// so lines from different processes never interleave mid-line. Each file is rotated when it
/// passes the configured size (<see cref="LogRotation"/>).
/// </summary>
public sealed class LogRouter : IDisposable
{
    public const string SupervisorName = "supervisor";
    private readonly LocalPaths _paths;
    private readonly LogSettings _settings;
    private static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(100);
    private readonly Dictionary<string, FileStream> _files = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Timer _flusher;
    private bool _dirty;

    public LogRouter(LocalPaths paths, LogSettings? settings = null)
    {
        _paths = paths;
        _settings = settings ?? new LogSettings();
        PrivateDirectory.Create(paths.Logs);
        // Lines are buffered and flushed every 100 ms: a busy backend logs every request, and two
        // writes per line cost the supervisor most of a core under load.
        _flusher = new Timer(_ => Flush(), null, FlushEvery, FlushEvery);
    }

    /// <summary>Writes what is buffered to the files.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (!_dirty) return;
            foreach (var stream in _files.Values) stream.Flush();
            _dirty = false;
        }
    }

    public static string UnifiedLine(string name, string line) => $"{name,-20}>> {line}";

    public static string Timestamped(string level, string message) =>
        $"[{DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}] [{level}] {message}";

    /// <summary>A line of a child's stdout or stderr.</summary>
    public void Write(string name, string line)
    {
        lock (_gate)
        {
            Append(_paths.LogFor(name), line);
            Append(_paths.UnifiedLog, UnifiedLine(name, line));
        }
    }

    /// <summary>A line for the unified log only (nginx's error log, which nginx writes itself).</summary>
    public void WriteUnified(string name, string line)
    {
        lock (_gate) Append(_paths.UnifiedLog, UnifiedLine(name, line));
    }

    /// <summary>A supervisor event (start, exit, restart, reload) in the unified log.</summary>
    public void Event(string message, string level = "INFO")
    {
        Write(SupervisorName, Timestamped(level, message));
        Flush();
    }

    /// <summary>Empties every log, keeping the files (logs-clean), safe while children keep writing.</summary>
    public void TruncateAll()
    {
        lock (_gate)
        {
            foreach (var stream in _files.Values)
            {
                stream.Flush();
                stream.SetLength(0);
                stream.Position = 0;
            }
            LogFiles.TruncateUnowned(_paths, _files.Keys);
        }
    }

    private void Append(string path, string line)
    {
        if (!_files.TryGetValue(path, out var stream))
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.Write,
                Share = FileShare.ReadWrite | FileShare.Delete,
                UnixCreateMode = AtomicFile.OwnerOnlyFile,
                BufferSize = 64 * 1024,
            };
            stream = new FileStream(path, options);
            stream.Seek(0, SeekOrigin.End);
            _files[path] = stream;
        }
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        if (stream.Position > 0 && stream.Position + bytes.Length > _settings.MaxSizeBytes)
        {
            stream.Dispose();
            LogRotation.Shift(path, _settings.MaxFiles);
            _files.Remove(path);
            Append(path, line);
            return;
        }
        stream.Write(bytes);
        _dirty = true;
    }

    public void Dispose()
    {
        _flusher.Dispose();
        lock (_gate)
        {
            foreach (var stream in _files.Values) stream.Dispose();
            _files.Clear();
        }
    }
}
