namespace Orchestration.Logs;

/// <summary>
/// <c>Logs --follow</c> and the dashboard's stream: new lines of the unified log as they are written,
/// through a <see cref="LogQuery"/>. An entry is judged on its first line (a stack trace that follows
/// goes with it, shown or not as a whole); <see cref="LogQuery.Since"/> does not apply (every line is new).
/// </summary>
public sealed class LogFollow(string unifiedLog, LogQuery query, Action<string, string> output)
{
    private readonly Dictionary<string, bool> _showing = new(StringComparer.Ordinal);

    public Task RunAsync(CancellationToken cancellationToken) =>
        new LogTail(unifiedLog, Route).RunAsync(0, follow: true, cancellationToken);

    /// <summary>One line of the unified log ("name  >> text"); public for tests.</summary>
    public void Route(string unifiedLine)
    {
        var separator = unifiedLine.IndexOf(">> ", StringComparison.Ordinal);
        if (separator < 0) return;
        var process = unifiedLine[..separator].TrimEnd();
        var text = unifiedLine[(separator + 3)..];
        if (!query.AcceptsProcess(process)) return;
        var reader = new EntryReader(process);
        var started = reader.Add(text).Concat(reader.Finish()).Single();
        if (started.Time is null && _showing.TryGetValue(process, out var showing))
        {
            if (showing) output(process, text); // a continuation: as its entry was judged
            return;
        }
        var accepted = (query with { Since = null }).Accepts(started);
        if (started.Time is not null) _showing[process] = accepted;
        if (accepted) output(process, text);
    }
}
