using System.Diagnostics;
using CliWrap;
using Orchestration.Processes;

namespace Orchestration.Benchmarks;

/// <summary>
/// The floor under Start: the bundled backend alone (or the layout's instances started at once), from
/// process start to the first 200 on <c>/api/v1/core/health</c>, run directly on free ports (no build
/// program, no supervisor, no nginx), with the CPU time it used to get there; optionally its idle memory (VmRSS 1 s after that first 200).
/// </summary>
public sealed class BackendFloorBenchmark(BenchmarkContext context)
{
    private static readonly TimeSpan HealthyWithin = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(1);

    /// <summary>Start → healthy of <c>dotnet backendDll</c>.</summary>
    public async Task<Samples> MeasureAsync(string backendDll, CancellationToken cancellationToken) =>
        (await MeasureAsync([context.Dotnet, backendDll], idleMemory: false, cancellationToken).ConfigureAwait(false)).StartSeconds;

    /// <summary>
    /// Start → healthy of the program <paramref name="command"/> (a JIT dll under dotnet, or a native binary), the CPU
    /// time (user + system, s) it had used at its first 200, and its idle RSS in MB when asked.
    /// </summary>
    public async Task<(Samples StartSeconds, Samples CpuSeconds, Samples? IdleRssMb)> MeasureAsync(IReadOnlyList<string> command, bool idleMemory, CancellationToken cancellationToken)
    {
        var times = new List<double>();
        var cpu = new List<double>();
        var rss = new List<double>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        for (var run = 0; run < context.Runs; run++)
        {
            var (time, cpuSeconds, mb) = await OnceAsync(command, ["core,broker"], http, run, idleMemory, cancellationToken).ConfigureAwait(false);
            times.Add(time.TotalSeconds);
            cpu.Add(cpuSeconds);
            if (mb is { } value) rss.Add(value);
        }
        context.Log($"backend floor ({Path.GetFileName(command[^1])}): {string.Join(", ", times.Select(t => $"{t:0.000} s"))}" +
            $"; CPU to healthy {string.Join(", ", cpu.Select(c => $"{c * 1000:0} ms"))}" +
            (rss.Count > 0 ? $"; idle RSS {string.Join(", ", rss.Select(m => $"{m:0.0}"))} MB" : ""));
        return (Samples.Of(times), Samples.Of(cpu), rss.Count > 0 ? Samples.Of(rss) : null);
    }

    /// <summary>
    /// Start → every one healthy of several instances of <c>dotnet backendDll</c> started at once, one per
    /// module list (Start's own floor: the default layout starts two, which share the machine's cores).
    /// </summary>
    /// <param name="command">The backend's argv: <c>dotnet x.dll</c>, or a native binary.</param>
    /// <param name="runs">How many times; null: the context's run count.</param>
    public async Task<Samples> MeasureTogetherAsync(IReadOnlyList<string> command, IReadOnlyList<string> moduleLists, CancellationToken cancellationToken, int? runs = null)
    {
        var times = new List<double>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        for (var run = 0; run < (runs ?? context.Runs); run++)
            times.Add((await OnceAsync(command, moduleLists, http, run, idleMemory: false, cancellationToken).ConfigureAwait(false)).Healthy.TotalSeconds);
        context.Log($"backend floor, {moduleLists.Count} instances at once: {string.Join(", ", times.Select(t => $"{t:0.000} s"))}");
        return Samples.Of(times);
    }

    /// <returns>When the last instance answered, the first one's CPU at that moment and, when asked, its idle RSS.</returns>
    private async Task<(TimeSpan Healthy, double CpuSeconds, double? IdleRssMb)> OnceAsync(IReadOnlyList<string> command, IReadOnlyList<string> moduleLists,
        HttpClient http, int run, bool idleMemory, CancellationToken cancellationToken)
    {
        var program = command[^1];
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clock = Stopwatch.StartNew();
        var instances = moduleLists.Select((modules, i) =>
        {
            var port = PortProbe.PickFree();
            var task = CliWrap.Cli.Wrap(command[0]).WithArguments(command.Skip(1))
                .WithEnvironmentVariables(e => e.Set("ENABLED_MODULES", modules).Set("INSTANCE_NAME", $"bench-floor-{run}-{i}")
                    .Set("ASPNETCORE_URLS", $"http://127.0.0.1:{port}"))
                .WithStandardOutputPipe(PipeTarget.Null).WithStandardErrorPipe(PipeTarget.Null)
                .WithValidation(CommandResultValidation.None)
                .ExecuteAsync(kill.Token);
            return (Task: task, Url: $"http://127.0.0.1:{port}/api/v1/core/health");
        }).ToList();
        var task = instances[0].Task;
        try
        {
            var pending = instances.ToList();
            while (pending.Count > 0)
            {
                foreach (var (child, url) in pending.ToList())
                {
                    if (child.Task.IsCompleted) throw new BenchmarkException($"{program} exited with {(await child).ExitCode} before it was healthy");
                    if (clock.Elapsed > HealthyWithin) throw new BenchmarkException($"{program} was not healthy on {url} within {HealthyWithin.TotalSeconds} s");
                    if (await IsHealthyAsync(http, url, cancellationToken).ConfigureAwait(false)) pending.RemoveAll(p => p.Url == url);
                }
                if (pending.Count > 0) await Task.Delay(5, cancellationToken).ConfigureAwait(false);
            }
            var healthy = clock.Elapsed;
            // Read at once: what Start pays per instance (issue 18), robust to the machine's load unlike the wall time.
            var cpu = BenchmarkStack.CpuSeconds(task.ProcessId);
            if (!idleMemory) return (healthy, cpu, null);
            await Task.Delay(IdleAfter, cancellationToken).ConfigureAwait(false);
            return (healthy, cpu, ProcInfo.Read(task.ProcessId) is { } info ? info.RssKb / 1024.0 : throw new BenchmarkException($"{program} exited while idle"));
        }
        finally
        {
            foreach (var (child, _) in instances) Posix.Kill(child.ProcessId, Posix.SIGTERM);
            kill.CancelAfter(TimeSpan.FromSeconds(5)); // SIGKILL when one does not leave after SIGTERM
            foreach (var (child, _) in instances)
            {
                try
                {
                    await child;
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    private static async Task<bool> IsHealthyAsync(HttpClient http, string url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
