using System.Net.Sockets;
using System.Text;
using Orchestration.IO;
using Orchestration.Logs;

namespace Orchestration.Supervision;

/// <summary>Answers <see cref="ControlRequest"/>s on <c>.local/supervisor.sock</c> (mode 0600, DESIGN rule 8).</summary>
public sealed class ControlServer(Supervisor supervisor, LogRouter logs, string socketPath, TimeSpan defaultStopTimeout) : IDisposable
{
    private Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly HashSet<Task> _serving = [];

    public void Start()
    {
        if (File.Exists(socketPath)) File.Delete(socketPath);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        File.SetUnixFileMode(socketPath, AtomicFile.OwnerOnlyFile);
        _listener.Listen(16);
        _ = AcceptLoopAsync();
    }

    /// <summary>
    /// Serves on the listening socket the supervisor's previous program handed over (a hand-over):
    /// the socket file never went away, and a client that connected meanwhile waited in its backlog.
    /// </summary>
    public void Start(int inheritedListenerFd)
    {
        Processes.Posix.SetCloseOnExec(inheritedListenerFd, true);
        _listener.Dispose();
        _listener = new Socket(new SafeSocketHandle(inheritedListenerFd, ownsHandle: true));
        _ = AcceptLoopAsync();
    }

    /// <summary>Answers, on a connection the previous program handed over, the request that asked for the hand-over.</summary>
    public async Task AnswerAsync(int inheritedConnectionFd, ControlResponse response)
    {
        try
        {
            Processes.Posix.SetCloseOnExec(inheritedConnectionFd, true);
            // The descriptor is non-blocking (the old runtime made it so): only asynchronous sends suit it.
            using var connection = new Socket(new SafeSocketHandle(inheritedConnectionFd, ownsHandle: true));
            await connection.SendAsync(Encoding.UTF8.GetBytes(ControlJson.Serialize(response) + "\n")).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException or InvalidOperationException or ObjectDisposedException)
        {
            logs.Event($"The answer to the request that asked for the hand-over was not delivered: {ex.Message}", "WARN");
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                return;
            }
            var serving = ServeAsync(connection);
            lock (_serving) _serving.Add(serving);
            _ = serving.ContinueWith(t => { lock (_serving) _serving.Remove(t); }, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// Waits (at most <paramref name="limit"/>) until every request being served has its answer
    /// written: the supervisor exits right after a stop, and the Stop that asked must hear the report.
    /// </summary>
    public async Task DrainAsync(TimeSpan limit)
    {
        Task[] serving;
        lock (_serving) serving = [.. _serving];
        try
        {
            await Task.WhenAll(serving).WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        using (connection)
        {
            await using var stream = new NetworkStream(connection, ownsSocket: false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            ControlResponse response;
            try
            {
                var line = await reader.ReadLineAsync().ConfigureAwait(false);
                var request = line is null ? null : ControlJson.Deserialize<ControlRequest>(line);
                response = request is null ? ControlResponse.Failure("empty request") : await HandleAsync(request, connection).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                logs.Event($"Control request failed: {ex.Message}", "ERROR");
                response = ControlResponse.Failure(ex.Message);
            }
            var bytes = Encoding.UTF8.GetBytes(ControlJson.Serialize(response) + "\n");
            try
            {
                await stream.WriteAsync(bytes).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // the client went away; nothing to answer
            }
        }
    }

    private async Task<ControlResponse> HandleAsync(ControlRequest request, Socket connection)
    {
        var timeout = TimeSpan.FromSeconds(request.Timeout ?? defaultStopTimeout.TotalSeconds);
        switch (request.Command)
        {
            case ControlCommands.Ping:
            case ControlCommands.Status:
                return ControlResponse.Success(supervisor.Snapshot());
            case ControlCommands.Started:
                supervisor.MarkStarted();
                return ControlResponse.Success();
            case ControlCommands.StartNginx:
                return Result(await supervisor.StartNginxAsync(CancellationToken.None).ConfigureAwait(false));
            case ControlCommands.ReloadNginx:
                return Result(await supervisor.ReloadNginxAsync(CancellationToken.None).ConfigureAwait(false));
            case ControlCommands.Restart when request.Name is { } name:
                return Result(await supervisor.RestartInstanceAsync(name, timeout, CancellationToken.None).ConfigureAwait(false));
            case ControlCommands.Apply when request.PlanPath is { } planPath:
                var next = SupervisorPlan.Load(planPath);
                return Result(await supervisor.ApplyAsync(next, request.Names ?? [], request.Name ?? "apply", CancellationToken.None).ConfigureAwait(false));
            case ControlCommands.Detach when request.Name is { } detached:
                return Result(await supervisor.DetachAsync(detached, CancellationToken.None).ConfigureAwait(false));
            case ControlCommands.Attach when request.Name is { } attached:
                return Result(await supervisor.AttachAsync(attached, CancellationToken.None).ConfigureAwait(false));
            case ControlCommands.ReplaceSelf when request.Program is { } program:
                // Returns only when the hand-over did not happen; otherwise the new program answers on this connection.
                return ControlResponse.Failure(await supervisor.ReplaceSelfAsync(request.Dotnet, program,
                    (int)_listener.SafeHandle.DangerousGetHandle(), (int)connection.SafeHandle.DangerousGetHandle(), CancellationToken.None).ConfigureAwait(false) ?? "not replaced");
            case ControlCommands.Metrics:
                return new ControlResponse { Ok = true, Metrics = await supervisor.MetricsAsync(CancellationToken.None).ConfigureAwait(false) };
            case ControlCommands.Dashboard when request.Names is { Count: > 0 } program:
                return new ControlResponse { Ok = true, Url = supervisor.Dashboard(program, request.Name ?? Environment.CurrentDirectory) };
            case ControlCommands.LogsClean:
                logs.TruncateAll();
                return ControlResponse.Success();
            case ControlCommands.Stop:
                var report = await supervisor.StopAllAsync(timeout, CancellationToken.None).ConfigureAwait(false);
                return new ControlResponse { Ok = report.Clean, Stop = report, Error = report.Clean ? null : report.Describe() };
            default:
                return ControlResponse.Failure($"unknown command '{request.Command}'");
        }
    }

    private ControlResponse Result(string? error) =>
        error is null ? ControlResponse.Success(supervisor.Snapshot()) : ControlResponse.Failure(error);

    public void Dispose()
    {
        _listener.Dispose();
        if (File.Exists(socketPath)) File.Delete(socketPath);
    }
}
