using BuildGraph;
using Orchestration.Logs;

/// <summary>Logs: a query over every process's log, merged by time, or followed.</summary>
partial class Build
{
    [Parameter("Logs: entries since a time ago (5m, 90s, 2h, 1d) or a local time (15:04, 2026-12-01 15:04:05)")]
    readonly string? Since;

    [Parameter("Logs: entries at this level or worse (debug, info, warn, error, fatal)")]
    readonly string? Level;

    [Parameter("Logs: entries that contain this text, stack trace included (case-insensitive)")]
    readonly string? Grep;

    [Parameter("Logs: after the entries so far, print new ones as they are written until Ctrl-C")]
    readonly bool Follow;

    /// <summary>ANSI colours per process, as many as are easy to tell apart on a dark and a light terminal.</summary>
    static readonly string[] Colours = ["\e[36m", "\e[33m", "\e[35m", "\e[32m", "\e[34m", "\e[91m", "\e[96m", "\e[93m"];

    Target Logs => _ => _
        .Description("Query the logs: --since 5m --server NAME --instance N --level error --grep TEXT, merged by time across instances, stack traces whole; --follow for new entries")
        .DependsOn(ValidateConfig)
        .Executes(async ct =>
        {
            if (LogQuery.ValidateLevel(Level) is { } badLevel) throw new TargetFailedException(badLevel);
            if (Instance is not null && Server is null) throw new TargetFailedException($"--instance {Instance} needs --server NAME; servers: {string.Join(", ", Deployment.Servers.Select(s => s.Name))}");
            if (Server is not null && Deployment.Servers.All(s => s.Name != Server))
                throw new TargetFailedException($"--server {Server}: no such server; servers: {string.Join(", ", Deployment.Servers.Select(s => s.Name))}");
            DateTime? since = null;
            if (Since is not null)
                since = LogQuery.ParseSince(Since, DateTime.Now) ?? throw new TargetFailedException($"--since {Since}: use a duration (5m, 90s, 2h, 1d) or a local time (15:04)");
            var query = new LogQuery(Server, Instance, Level, Grep, since);
            var colour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
            var colours = new Dictionary<string, string>(StringComparer.Ordinal);
            void Print(string process, string line)
            {
                var prefix = $"{process,-14}| ";
                if (!colour)
                {
                    Console.Out.WriteLine(prefix + line);
                    return;
                }
                if (!colours.TryGetValue(process, out var c)) colours[process] = c = Colours[colours.Count % Colours.Length];
                Console.Out.WriteLine($"{c}{prefix}\e[0m{line}");
            }
            var entries = query.Run(Deployment.Paths, Deployment.Logs.MaxFiles);
            // Without --since, the last --lines entries (default 50), as LogsTail shows the last lines.
            foreach (var entry in since is null ? entries.TakeLast(Lines) : entries)
                foreach (var line in entry.Lines) Print(entry.Process, line);
            if (Follow) await new LogFollow(Deployment.Paths.UnifiedLog, query, Print).RunAsync(ct);
        });
}
