using CliWrap;
using CliWrap.Buffered;

namespace Orchestration.Images;

/// <summary>The commit a folder's checkout is at, for image tags.</summary>
public static class GitCommit
{
    /// <summary>The short hash of HEAD of the checkout holding <paramref name="directory"/>, or null outside one (or without git).</summary>
    public static async Task<string?> ShortHashAsync(string directory, CancellationToken cancellationToken)
    {
        try
        {
            var result = await Cli.Wrap("git").WithArguments(["-C", directory, "rev-parse", "--short=12", "HEAD"])
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
            return result.ExitCode == 0 ? result.StandardOutput.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on PATH
        }
    }
}
