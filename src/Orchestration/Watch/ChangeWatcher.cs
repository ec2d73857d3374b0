namespace Orchestration.Watch;

/// <summary>
/// Watches a folder tree and calls back once per burst of relevant changes: a change opens a quiet
/// window; every further change restarts it; when it closes, the callback runs with what changed.
/// </summary>
public sealed class ChangeWatcher : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly WatchFilter _filter;
    private readonly TimeSpan _quiet;
    private readonly Func<IReadOnlyList<string>, Task> _onBurst;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private readonly Timer _timer;

    public ChangeWatcher(string directory, WatchFilter filter, TimeSpan quiet, Func<IReadOnlyList<string>, Task> onBurst)
    {
        Directory = directory;
        _filter = filter;
        _quiet = quiet;
        _onBurst = onBurst;
        _timer = new Timer(_ => Fire());
        _watcher = new FileSystemWatcher(directory)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            InternalBufferSize = 64 * 1024,
        };
        _watcher.Changed += (_, e) => OnChange(e.FullPath);
        _watcher.Created += (_, e) => OnChange(e.FullPath);
        _watcher.Deleted += (_, e) => OnChange(e.FullPath);
        _watcher.Renamed += (_, e) => OnChange(e.FullPath);
        _watcher.EnableRaisingEvents = true;
    }

    public string Directory { get; }

    private void OnChange(string fullPath)
    {
        var relative = Path.GetRelativePath(Directory, fullPath);
        if (!_filter.IsRelevant(relative)) return;
        lock (_gate)
        {
            _pending.Add(relative);
            _timer.Change(_quiet, Timeout.InfiniteTimeSpan);
        }
    }

    private void Fire()
    {
        List<string> burst;
        lock (_gate)
        {
            if (_pending.Count == 0) return;
            burst = _pending.Order(StringComparer.Ordinal).ToList();
            _pending.Clear();
        }
        _ = _onBurst(burst);
    }

    public void Dispose()
    {
        _watcher.Dispose();
        _timer.Dispose();
    }
}
