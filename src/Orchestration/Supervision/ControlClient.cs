using Orchestration.State;
using System.Net.Sockets;
using System.Text;

namespace Orchestration.Supervision;

/// <summary>Talks to a deployment's supervisor; <c>null</c> answers mean no supervisor is listening.</summary>
public sealed class ControlClient(string socketPath)
{
    public bool SocketExists => File.Exists(socketPath);

    /// <summary>The supervisor's view of the deployment; null when no supervisor answers.</summary>
    public async Task<DeploymentState?> StatusAsync(CancellationToken cancellationToken) =>
        (await SendAsync(new ControlRequest(ControlCommands.Status), TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false))?.State;

    /// <summary>Asks the supervisor to stop everything and waits for its report; null when no supervisor answers.</summary>
    public async Task<StopReport?> StopAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        (await SendAsync(new ControlRequest(ControlCommands.Stop, Timeout: timeout.TotalSeconds), timeout + TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false))?.Stop;

    public async Task<ControlResponse?> SendAsync(ControlRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!File.Exists(socketPath)) return null;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cts.Token).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            return null; // a socket file with nobody behind it: the supervisor is gone
        }
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(ControlJson.Serialize(request) + "\n"), cts.Token).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        try
        {
            var line = await reader.ReadLineAsync(cts.Token).ConfigureAwait(false);
            return line is null ? null : ControlJson.Deserialize<ControlResponse>(line);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The supervisor did not answer '{request.Command}' within {timeout.TotalSeconds:0.#} s");
        }
    }
}
