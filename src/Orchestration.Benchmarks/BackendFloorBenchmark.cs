using System.Diagnostics;
using CliWrap;
using Orchestration.Processes;

namespace Orchestration.Benchmarks;

/// <summary>
/// The floor under Start: the bundled backend alone, from process start to its first 200 on
/// <c>/api/v1/core/health</c>, run directly on a free port (no build program, no supervisor, no nginx).
/// </summary>
public sealed class BackendFloorBenchmark(BenchmarkContext context)
{
    private static readonly TimeSpan HealthyWithin = TimeSpan.FromSeconds(20);

    public async Task<Samples> MeasureAsync(string backendDll, CancellationToken cancellationToken)
    {
        var times = new List<double>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        for (var run = 0; run < context.Runs; run++)
        {
            times.Add((await OnceAsync(backendDll, http, run, cancellationToken).ConfigureAwait(false)).TotalSeconds);
        }
        context.Log($"backend floor: {string.Join(", ", times.Select(t => $"{t:0.000} s"))}");
        return Samples.Of(times);
    }

    private async Task<TimeSpan> OnceAsync(string dll, HttpClient http, int run, CancellationToken cancellationToken)
    {
        var port = PortProbe.PickFree();
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clock = Stopwatch.StartNew();
        var task = CliWrap.Cli.Wrap(context.Dotnet).WithArguments([dll])
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
                if (task.Task.IsCompleted) throw new BenchmarkException($"{dll} exited with {(await task).ExitCode} before it was healthy");
                if (clock.Elapsed > HealthyWithin) throw new BenchmarkException($"{dll} was not healthy on {url} within {HealthyWithin.TotalSeconds} s");
                if (await IsHealthyAsync(http, url, cancellationToken).ConfigureAwait(false)) return clock.Elapsed;
                await Task.Delay(5, cancellationToken).ConfigureAwait(false);
            }
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
