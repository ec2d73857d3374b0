using System.Diagnostics;

namespace Orchestration.IO;

/// <summary>
/// The one way to wait for a condition: checked at once, then every <c>every</c>, until it holds or
/// <c>limit</c> has passed. Never an unbounded wait, never a bare sleep.
/// </summary>
public static class Poll
{
    /// <summary>True as soon as <paramref name="condition"/> holds; false once <paramref name="limit"/> has passed without it.</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan limit, TimeSpan every, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await condition().ConfigureAwait(false)) return true;
            if (clock.Elapsed >= limit) return false;
            await Task.Delay(every, cancellationToken).ConfigureAwait(false);
        }
    }

    public static Task<bool> UntilAsync(Func<bool> condition, TimeSpan limit, TimeSpan every, CancellationToken cancellationToken) =>
        UntilAsync(() => Task.FromResult(condition()), limit, every, cancellationToken);

    /// <summary>Waits like <see cref="UntilAsync(Func{bool},TimeSpan,TimeSpan,CancellationToken)"/> and fails naming what did not happen.</summary>
    public static async Task UntilOrFailAsync(Func<bool> condition, TimeSpan limit, string what, CancellationToken cancellationToken, TimeSpan? every = null)
    {
        if (!await UntilAsync(condition, limit, every ?? TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false))
            throw new TimeoutException($"{what} did not happen within {limit.TotalSeconds:0.###} s");
    }
}
