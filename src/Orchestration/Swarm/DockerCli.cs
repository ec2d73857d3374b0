using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace Orchestration.Swarm;

/// <summary>The failure of a docker command: its arguments, exit code and what it printed.</summary>
public sealed class DockerException(string message) : Exception(message);

/// <summary>
/// Runs the docker client. It prefers the client installed next to <c>dockerd</c> (Debian's docker.io puts
/// both in /usr): a newer client elsewhere on PATH needs buildx for <c>docker build</c> and may send
/// compose fields an older engine refuses.
/// </summary>
public sealed class DockerCli(string client)
{
    public string Client { get; } = client;

    /// <summary>The environment every call gets: the classic builder (no buildx needed) and no colours.</summary>
    private static readonly IReadOnlyDictionary<string, string?> Environment = new Dictionary<string, string?>
    {
        ["DOCKER_BUILDKIT"] = "0",
        ["DOCKER_CLI_HINTS"] = "false",
        ["NO_COLOR"] = "1",
    };

    public static DockerCli? Find(Func<string, string?> which)
    {
        foreach (var candidate in new[] { "/usr/bin/docker", "/usr/local/bin/docker" })
            if (File.Exists(candidate) && File.Exists(Path.Combine(Path.GetDirectoryName(candidate)!.Replace("/bin", "/sbin"), "dockerd")))
                return new DockerCli(candidate);
        return which("docker") is { } onPath ? new DockerCli(onPath) : null;
    }

    /// <summary>Runs docker; returns exit code, stdout and stderr, never throws on a non-zero exit.</summary>
    public async Task<BufferedCommandResult> TryAsync(IReadOnlyList<string> args, CancellationToken cancellationToken, string? workingDirectory = null, Stream? input = null)
    {
        var command = Cli.Wrap(Client).WithArguments(args).WithEnvironmentVariables(Environment)
            .WithValidation(CommandResultValidation.None);
        if (workingDirectory is not null) command = command.WithWorkingDirectory(workingDirectory);
        if (input is not null) command = command.WithStandardInputPipe(PipeSource.FromStream(input));
        return await command.ExecuteBufferedAsync(Encoding.UTF8, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs docker and returns its stdout.</summary>
    /// <exception cref="DockerException">It exited non-zero (the message has the command and its output).</exception>
    public async Task<string> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken, string? workingDirectory = null, Stream? input = null)
    {
        var result = await TryAsync(args, cancellationToken, workingDirectory, input).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new DockerException($"`docker {string.Join(' ', args)}` exited with {result.ExitCode}: {Last(result.StandardError + result.StandardOutput, 30)}");
        return result.StandardOutput;
    }

    /// <summary>Non-empty lines of stdout.</summary>
    public async Task<IReadOnlyList<string>> LinesAsync(IReadOnlyList<string> args, CancellationToken cancellationToken) =>
        (await RunAsync(args, cancellationToken).ConfigureAwait(false))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static string Last(string text, int lines) =>
        string.Join('\n', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));
}
