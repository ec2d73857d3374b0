using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Orchestration.Config;
using Orchestration.Nginx;

namespace Orchestration.Tests.Support;

/// <summary>
/// A real nginx in the foreground (<c>-g "daemon off;"</c>) as a child of the test. Ended with
/// SIGQUIT (graceful), then a kill of the whole tree if it does not go within 5 s.
/// </summary>
public sealed class NginxProcess : IAsyncDisposable
{
    private const int SigQuit = 3;
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly LocalPaths _paths;

    private NginxProcess(Process process, LocalPaths paths) => (_process, _paths) = (process, paths);

    public static async Task<NginxProcess> StartAsync(DeploymentConfig config, CancellationToken cancellationToken)
    {
        var check = await TestNginx.RenderAndTestAsync(config);
        if (!check.Success) throw new InvalidOperationException(check + "\n" + File.ReadAllText(config.Paths.NginxConf));

        return await StartAsync(config.Paths, config.Nginx.Port, cancellationToken);
    }

    /// <summary>Runs the config already at <paramref name="paths"/>' nginx.conf, listening on <paramref name="port"/>.</summary>
    public static async Task<NginxProcess> StartAsync(LocalPaths paths, int port, CancellationToken cancellationToken)
    {
        var argv = NginxCommands.Foreground(TestNginx.Binary, paths.NginxConf, paths);
        var info = new ProcessStartInfo(argv[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in argv.Skip(1)) info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("nginx did not start");
        var nginx = new NginxProcess(process, paths);
        process.OutputDataReceived += (_, e) => nginx.Append(e.Data);
        process.ErrorDataReceived += (_, e) => nginx.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await nginx.WaitListeningAsync(port, cancellationToken);
        }
        catch
        {
            await nginx.DisposeAsync();
            throw;
        }
        return nginx;
    }

    public int Pid => _process.Id;

    /// <summary>nginx's console output and error log, for a failure message.</summary>
    public string Logs()
    {
        string Read(string path) => File.Exists(path) ? File.ReadAllText(path) : "(none)";
        lock (_output)
            return $"--- nginx output ---\n{_output}\n--- {_paths.NginxErrorLog} ---\n{Read(_paths.NginxErrorLog)}\n--- access log ---\n{Read(_paths.NginxAccessLog)}";
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private async Task WaitListeningAsync(int port, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"nginx exited with {_process.ExitCode}\n{Logs()}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(25, cancellationToken);
            }
        }
        throw new TimeoutException($"nginx did not listen on {port} within 10 s\n{Logs()}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, SigQuit);
            using var graceful = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(graceful.Token);
            }
            catch (OperationCanceledException) when (graceful.IsCancellationRequested)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
