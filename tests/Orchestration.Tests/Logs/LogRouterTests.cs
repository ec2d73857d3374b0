using Orchestration.Config;
using Orchestration.Logs;

namespace Orchestration.Tests.Logs;

public sealed class LogRouterTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "orch-logs-" + Guid.NewGuid().ToString("N")[..8]);
    private LocalPaths Paths => new(_root);

    [Fact]
    public void Every_line_goes_whole_to_its_own_log_and_prefixed_to_the_unified_log()
    {
        using (var router = new LogRouter(Paths))
        {
            router.Write("broker-0", "[2025-11-03 10:15:30] [INFO] Server started on port 8001");
            router.Write("datafeed-0", "hello");
        }

        Assert.Equal(["[2025-11-03 10:15:30] [INFO] Server started on port 8001"], File.ReadAllLines(Paths.LogFor("broker-0")));
        Assert.Equal(
            ["broker-0            >> [2025-11-03 10:15:30] [INFO] Server started on port 8001", "datafeed-0          >> hello"],
            File.ReadAllLines(Paths.UnifiedLog));
    }

    [Fact]
    public void A_log_past_its_size_is_rotated_keeping_max_files_and_no_line_is_split_or_lost()
    {
        var settings = new LogSettings { MaxSizeMb = 1.0 / 1024, MaxFiles = 2 }; // 1 KiB
        var lines = Enumerable.Range(0, 100).Select(i => $"line {i:000} " + new string('x', 40)).ToList();
        using (var router = new LogRouter(Paths, settings))
        {
            foreach (var line in lines) router.Write("broker-0", line);
        }

        var log = Paths.LogFor("broker-0");
        var generations = LogRotation.Generations(log, settings.MaxFiles);
        Assert.Equal([log + ".2", log + ".1", log], generations);
        Assert.False(File.Exists(log + ".3"));
        Assert.All(generations, f => Assert.InRange(new FileInfo(f).Length, 1, 1024));
        var kept = generations.SelectMany(File.ReadAllLines).ToList();
        Assert.Equal(lines.TakeLast(kept.Count), kept); // the newest lines, whole and in order
        Assert.True(File.Exists(Paths.UnifiedLog + ".1"), "the unified log rotates too");
    }

    [Fact]
    public void Truncating_keeps_the_files_and_later_lines_start_at_the_top_without_a_hole()
    {
        using var router = new LogRouter(Paths);
        router.Write("broker-0", new string('x', 500));
        File.WriteAllText(Paths.NginxAccessLog, "GET / 200\n");

        router.TruncateAll();
        router.Write("broker-0", "after");
        router.Flush();

        Assert.Equal("after\n", File.ReadAllText(Paths.LogFor("broker-0")));
        Assert.Equal("broker-0            >> after\n", File.ReadAllText(Paths.UnifiedLog));
        Assert.Equal(0, new FileInfo(Paths.NginxAccessLog).Length);
    }

    [Fact]
    public void Log_files_are_readable_by_their_owner_only()
    {
        using (var router = new LogRouter(Paths)) router.Write("broker-0", "x");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Paths.LogFor("broker-0")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Paths.Logs));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
