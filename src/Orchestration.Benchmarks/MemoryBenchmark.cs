using Orchestration.Processes;
using Orchestration.State;

namespace Orchestration.Benchmarks;

/// <summary>Idle resident memory (VmRSS from /proc) of every instance, the supervisor and nginx, a few seconds after Start.</summary>
public sealed class MemoryBenchmark(BenchmarkContext context)
{
    public async Task<BenchmarkSection> MeasureAsync(BenchmarkStack stack, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(context.Quick ? 1 : 3), cancellationToken).ConfigureAwait(false);
        var state = stack.State() ?? throw new BenchmarkException($"No state.json in {stack.Paths.Root}: the stack is not running");
        var rows = new List<BenchmarkRow>();
        var instances = state.Processes.Where(p => p.Kind == ProcessKind.Instance).ToList();
        var instanceMb = new List<double>();
        foreach (var p in instances)
        {
            var mb = RssMb(p) ?? throw new BenchmarkException($"{p.Name} (pid {p.Pid}) is not running");
            instanceMb.Add(mb);
            rows.Add(Row($"instance {p.Name} ({string.Join(",", p.Modules)})", mb, null));
        }
        rows.Insert(0, Row("per instance (median)", Samples.Of(instanceMb).Median, $"{instances.Count} instances"));
        rows.Add(Row("supervisor", RssMb(state.Supervisor) ?? throw new BenchmarkException("The supervisor is not running"), "the build program's dll in supervisor mode"));
        if (state.Processes.FirstOrDefault(p => p.IsNginx) is { } nginx)
        {
            var group = ProcInfo.GroupMembers(nginx.ProcessGroup).Select(ProcInfo.Read).OfType<ProcInfo>().ToList();
            rows.Add(Row("nginx (master + workers)", group.Sum(p => p.RssKb) / 1024.0, $"{group.Count} processes"));
        }
        context.Log($"idle RSS: instances {string.Join(", ", instanceMb.Select(m => $"{m:0.0}"))} MB");
        return new BenchmarkSection("memory", "Idle memory (RSS, MB)", [new("rss_mb", "RSS MB", "0.0")], rows,
            $"VmRSS from /proc/<pid>/status {(context.Quick ? 1 : 3)} s after Start, before any load.");
    }

    private static BenchmarkRow Row(string name, double mb, string? note) => new(name, new Dictionary<string, double?> { ["rss_mb"] = mb }, note);

    private static double? RssMb(ProcessRecord p) => p.Identity.FindAlive() is { } info ? info.RssKb / 1024.0 : null;
}
