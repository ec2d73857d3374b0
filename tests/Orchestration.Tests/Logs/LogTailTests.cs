using Orchestration.Logs;

namespace Orchestration.Tests.Logs;

public sealed class LogTailTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "orch-tail-" + Guid.NewGuid().ToString("N")[..8] + ".log");

    [Theory]
    [InlineData("broker", "broker-0            >> a", true)]
    [InlineData("broker", "broker-1            >> a", true)]
    [InlineData("broker-0", "broker-1            >> a", false)]
    [InlineData("broker", "datafeed-0          >> a", false)]
    [InlineData("broker", "brokerage-0         >> a", false)]
    public void A_server_filter_keeps_its_instances_lines(string filter, string line, bool kept) =>
        Assert.Equal(kept, new LogTail(_file, _ => { }, filter).Accepts(line));

    [Fact]
    public async Task It_prints_the_last_lines_then_follows_appends_and_survives_truncation()
    {
        File.WriteAllLines(_file, ["one", "two", "three"]);
        var seen = new List<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var tail = new LogTail(_file, l => { lock (seen) seen.Add(l); });
        var running = tail.RunAsync(2, follow: true, cts.Token);

        await WaitAsync(() => seen.Count == 2);
        File.AppendAllText(_file, "four\n");
        await WaitAsync(() => seen.Contains("four"));
        File.WriteAllText(_file, "");
        File.AppendAllText(_file, "five\n");
        await WaitAsync(() => seen.Contains("five"));
        await cts.CancelAsync();
        await running;

        Assert.Equal(["two", "three", "four", "five"], seen);
    }

    [Fact]
    public async Task It_follows_across_a_rotation_without_losing_the_last_lines_of_the_old_file()
    {
        File.WriteAllLines(_file, ["one"]);
        var seen = new List<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var running = new LogTail(_file, l => { lock (seen) seen.Add(l); }).RunAsync(0, follow: true, cts.Token);
        await Task.Delay(300); // the tail has opened the file

        File.AppendAllText(_file, "two\n");
        LogRotation.Shift(_file, 3); // renamed away right after the write, before the tail read it
        File.AppendAllText(_file, "three\n");
        await WaitAsync(() => { lock (seen) return seen.Contains("three"); });
        await cts.CancelAsync();
        await running;

        Assert.Equal(["two", "three"], seen);
        Assert.True(File.Exists(_file + ".1"));
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++) await Task.Delay(50);
        Assert.True(condition());
    }

    public void Dispose()
    {
        foreach (var f in new[] { _file, _file + ".1", _file + ".2", _file + ".3" }) File.Delete(f);
    }
}
