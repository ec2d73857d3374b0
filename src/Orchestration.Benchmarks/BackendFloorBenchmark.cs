using System.Diagnostics;
using CliWrap;
using Orchestration.Processes;

namespace Orchestration.Benchmarks;

/// <summary>
/// The floor under Start: the bundled backend alone, from process start to its first 200 on
/// <c>/api/v1/core/health</c>, run directly on a free port (no build program, no supervisor, no nginx),
/// with the CPU time it used to get there; optionally its idle memory (VmRSS 1 s after that first 200).
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
            var (time, cpuSeconds, mb) = await OnceAsync(command, http, run, idleMemory, cancellationToken).ConfigureAwait(false);
            times.Add(time.TotalSeconds);
            cpu.Add(cpuSeconds);
            if (mb is { } value) rss.Add(value);
        }
        context.Log($"backend floor ({Path.GetFileName(command[^1])}): {string.Join(", ", times.Select(t => $"{t:0.000} s"))}" +
            $"; CPU to healthy {string.Join(", ", cpu.Select(c => $"{c * 1000:0} ms"))}" +
            (rss.Count > 0 ? $"; idle RSS {string.Join(", ", rss.Select(m => $"{m:0.0}"))} MB" : ""));
        return (Samples.Of(times), Samples.Of(cpu), rss.Count > 0 ? Samples.Of(rss) : null);
    }

    private async Task<(TimeSpan Healthy, double CpuSeconds, double? IdleRssMb)> OnceAsync(IReadOnlyList<string> command, HttpClient http, int run, bool idleMemory, CancellationToken cancellationToken)
    {
        var port = PortProbe.PickFree();
        var program = command[^1];
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clock = Stopwatch.StartNew();
        var task = CliWrap.Cli.Wrap(command[0]).WithArguments(command.Skip(1))
            .WithEnvironmentVariables(e => e.Set("ENABLED_MODULES", "core,broker").Set("INSTANCE_NAME", $"bench-floor-{run}")
                .Set("ASPNETCORE_URLS", $"http://127.0.0.1:{port}"))
            .WithStandardOutputPipe(PipeTarget.Null).WithStandardErrorPipe(PipeTarget.Null)
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(kill.Token);
        try
        {
            var url = $"http://127.0.0.1:{port}/api/v1/core/health";
            while (true)
            {
                if (task.Task.IsCompleted) throw new BenchmarkException($"{program} exited with {(await task).ExitCode} before it was healthy");
                if (clock.Elapsed > HealthyWithin) throw new BenchmarkException($"{program} was not healthy on {url} within {HealthyWithin.TotalSeconds} s");
                if (await IsHealthyAsync(http, url, cancellationToken).ConfigureAwait(false)) break;
                await Task.Delay(5, cancellationToken).ConfigureAwait(false);
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
            Posix.Kill(task.ProcessId, Posix.SIGTERM);
            kill.CancelAfter(TimeSpan.FromSeconds(5)); // SIGKILL when it does not leave after SIGTERM
            try
            {
                await task;
            }
            catch (OperationCanceledException)
            {
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
