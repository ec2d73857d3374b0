using CliWrap;
using Serilog;

namespace BuildGraph.Tools;

/// <summary>Runs a command with its output streamed line by line into the build log (and so the console).</summary>
public static class ProcessRunner
{
    /// <summary>How long a cancelled command gets to exit after the interrupt before it is killed.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(5);

    /// <summary>Runs to completion and returns the exit code. Cancellation interrupts it, then kills it after <see cref="GracePeriod"/>.</summary>
    public static async Task<int> RunAsync(Command command, CancellationToken cancellationToken)
    {
        Log.Information("> {Command} {Arguments}", command.TargetFilePath, command.Arguments);
        using var forceful = new CancellationTokenSource();
        await using var escalate = cancellationToken.Register(() => forceful.CancelAfter(GracePeriod));
        var result = await command
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line => Log.Information("{Line}", line)))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line => Log.Warning("{Line}", line)))
            .ExecuteAsync(forceful.Token, cancellationToken);
        return result.ExitCode;
    }

    /// <summary>Runs and throws <see cref="TargetFailedException"/> naming the command when it exits non-zero.</summary>
    public static async Task RunCheckedAsync(Command command, CancellationToken cancellationToken)
    {
        var exitCode = await RunAsync(command, cancellationToken);
        if (exitCode != 0)
            throw new TargetFailedException($"'{Path.GetFileName(command.TargetFilePath)} {command.Arguments}' exited with code {exitCode}.");
    }
}
