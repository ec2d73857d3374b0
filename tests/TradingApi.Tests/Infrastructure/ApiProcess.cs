using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Orchestration.Processes;
using Xunit.Abstractions;

namespace TradingApi.Tests.Infrastructure;

/// <summary>
/// A real TradingApi process of one <see cref="ApiBuild"/> (JIT or Native AOT) on a free port. Disposing
/// kills it if still running and dumps its output to the test log.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly ITestOutputHelper? _log;

    private ApiProcess(Process process, int port, ITestOutputHelper? log)
    {
        _process = process;
        Port = port;
        _log = log;
    }

    public int Port { get; }

    public int Pid => _process.Id;

    public Uri Http(string path) => new($"http://127.0.0.1:{Port}{path}");

    public Uri Ws(string path) => new($"ws://127.0.0.1:{Port}{path}");

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts the process of <paramref name="command"/> (see <see cref="ApiBuild.CommandAsync"/>) without waiting for health.</summary>
    /// <param name="sparePort">A second port the program listens on, as an instance's spare; its own port is then PORT, as the supervisor sets it.</param>
    public static ApiProcess Launch(IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, ITestOutputHelper? log = null, int? sparePort = null)
    {
        var port = PortProbe.PickFree();
        var info = new ProcessStartInfo(command[0], command.Skip(1))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var key in new[] { "ENABLED_MODULES", "INSTANCE_NAME", "API_BASE_URL", "WS_IDLE_TIMEOUT_SECONDS", "DATAFEED_INTERVAL_MS" })
        {
            info.Environment.Remove(key);
        }

        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" + (sparePort is { } spare ? $";http://127.0.0.1:{spare}" : "");
        if (sparePort is not null) info.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var api = new ApiProcess(process, port, log);
        process.OutputDataReceived += (_, e) => api.Append("out", e.Data);
        process.ErrorDataReceived += (_, e) => api.Append("err", e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return api;
    }

    /// <summary>
    /// Starts the process and waits until core/health answers 200 from it (or it dies). A port
    /// taken by another test between the pick and the bind costs a relaunch on a new port, not a failure.
    /// </summary>
    public static async Task<ApiProcess> StartAsync(IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, ITestOutputHelper? log,
        CancellationToken cancellationToken, int? sparePort = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var api = Launch(command, environment, log, sparePort);
            try
            {
                await api.WaitHealthyAsync(cancellationToken);
                return api;
            }
            catch (PortLostException) when (attempt < 3)
            {
                await api.DisposeAsync();
            }
            catch
            {
                await api.DisposeAsync();
                throw;
            }
        }
    }

    private sealed class PortLostException(string message) : Exception(message);

    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ThrowIfExited();
            try
            {
                // Another test's server on the port would answer too: only once ours says it has
                // bound the port (the line is written on ApplicationStarted) is the answer its own.
                using var response = await client.GetAsync(Http("/api/v1/core/health"), cancellationToken);
                if (response.IsSuccessStatusCode && Output.Contains($"Server started on port {Port} ", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // a cold first request on a loaded machine outlived its own timeout: ask again
            }

            await Task.Delay(25, cancellationToken);
        }
    }

    private void ThrowIfExited()
    {
        if (!_process.HasExited)
        {
            return;
        }

        _process.WaitForExit(); // drains the output
        var message = $"TradingApi exited with {_process.ExitCode} before it was healthy:\n{Output}";
        throw Output.Contains("address already in use", StringComparison.Ordinal)
            ? new PortLostException(message)
            : new InvalidOperationException(message);
    }

    /// <summary>Sends SIGTERM, as the manager's supervisor does.</summary>
    public void Terminate()
    {
        if (kill(_process.Id, 15) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        }

        _log?.WriteLine($"--- TradingApi pid {_process.Id} ({_process.StartInfo.FileName}) port {Port} output ---\n{Output}");
        _process.Dispose();
    }

    private void Append(string stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Append(stream == "err" ? "[stderr] " : "").AppendLine(line);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
