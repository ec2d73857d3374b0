using Orchestration.Config;
using Orchestration.Logs;

namespace Orchestration.Tests.Logs;

public sealed class LogQueryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("logquery-").FullName;
    private LocalPaths Paths => new(_root);

    public LogQueryTests()
    {
        Directory.CreateDirectory(Paths.Logs);
        File.WriteAllLines(Paths.LogFor("broker-0"),
        [
            "[2026-12-01 10:00:01] [INFO] Api: started",
            "[2026-12-01 10:00:05] [ERROR] Api: order failed",
            "System.InvalidOperationException: the book is closed",
            "   at Broker.Place()",
            "[2026-12-01 10:00:07] [INFO] Api: recovered",
        ]);
        File.WriteAllLines(Paths.LogFor("broker-1"),
        [
            "[2026-12-01 10:00:03] [WARN] Api: slow",
            "[2026-12-01 10:00:06] [ERROR] Api: timeout",
        ]);
        File.WriteAllLines(Paths.LogFor("datafeed-0"), ["[2026-12-01 10:00:02] [INFO] Feed: tick"]);
        File.WriteAllLines(Paths.UnifiedLog, ["not a process"]);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string[] Firsts(IEnumerable<LogEntry> entries) => entries.Select(e => $"{e.Process}: {e.Lines[0][22..]}").ToArray();

    [Fact]
    public void Entries_of_every_instance_are_merged_by_time_and_a_stack_trace_stays_with_its_entry()
    {
        var entries = new LogQuery().Run(Paths, 5);

        Assert.Equal(["broker-0: [INFO] Api: started", "datafeed-0: [INFO] Feed: tick", "broker-1: [WARN] Api: slow", "broker-0: [ERROR] Api: order failed",
            "broker-1: [ERROR] Api: timeout", "broker-0: [INFO] Api: recovered"], Firsts(entries));
        Assert.Equal(3, entries[3].Lines.Count);
    }

    [Fact]
    public void Server_instance_level_grep_and_since_narrow_the_entries()
    {
        Assert.Equal(["broker-1: [ERROR] Api: timeout"], Firsts(new LogQuery("broker", 1, "error").Run(Paths, 5)));
        Assert.Equal(["broker-1: [WARN] Api: slow", "broker-0: [ERROR] Api: order failed", "broker-1: [ERROR] Api: timeout"],
            Firsts(new LogQuery("broker", Level: "warn").Run(Paths, 5)));
        Assert.Equal(["broker-0: [ERROR] Api: order failed"], Firsts(new LogQuery(Grep: "BOOK IS CLOSED").Run(Paths, 5))); // found in the stack trace
        Assert.Equal(["broker-1: [ERROR] Api: timeout", "broker-0: [INFO] Api: recovered"],
            Firsts(new LogQuery(Since: new DateTime(2026, 12, 1, 10, 0, 6)).Run(Paths, 5)));
    }

    [Fact]
    public void Since_takes_a_duration_or_a_clock_time()
    {
        var now = new DateTime(2026, 12, 1, 10, 0, 0);
        Assert.Equal(now.AddMinutes(-5), LogQuery.ParseSince("5m", now));
        Assert.Equal(now.AddSeconds(-90), LogQuery.ParseSince("90s", now));
        Assert.Equal(new DateTime(2026, 12, 1, 9, 30, 0), LogQuery.ParseSince("09:30", now));
        Assert.Null(LogQuery.ParseSince("yesterday-ish", now));
        Assert.NotNull(LogQuery.ValidateLevel("loud"));
    }

    [Fact]
    public void Following_judges_an_entry_on_its_first_line_and_keeps_its_stack_trace_with_it()
    {
        var shown = new List<string>();
        var follow = new LogFollow(Paths.UnifiedLog, new LogQuery("broker", Level: "error"), (p, l) => shown.Add($"{p}: {l}"));
        foreach (var line in new[]
        {
            "broker-0            >> [2026-12-01 10:00:01] [INFO] Api: fine",
            "broker-0            >>    at Not.Shown()",
            "datafeed-0          >> [2026-12-01 10:00:02] [ERROR] Feed: not this server",
            "broker-0            >> [2026-12-01 10:00:03] [ERROR] Api: failed",
            "broker-0            >>    at Shown()",
        }) follow.Route(line);

        Assert.Equal(["broker-0: [2026-12-01 10:00:03] [ERROR] Api: failed", "broker-0:    at Shown()"], shown);
    }
}
