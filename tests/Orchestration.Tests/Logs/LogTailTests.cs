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

    private static async Task WaitAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++) await Task.Delay(50);
        Assert.True(condition());
    }

    public void Dispose() => File.Delete(_file);
}
