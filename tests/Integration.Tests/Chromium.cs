using Orchestration.Packages;

namespace Integration.Tests;

/// <summary>
/// Debian's Chromium for the Playwright tests (Playwright's own browser download is not possible
/// here): found on PATH, or installed with apt-get when the tests run as root (CI), as EnsureNginx
/// does for nginx. Missing and not installable, the test fails with the reason and the fix; it never skips.
/// </summary>
public static class Chromium
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _path;

    public static async Task<string> ExecutableAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_path is not null) return _path;
            var log = new List<string>();
            var result = await PackageInstaller.ForThisMachine(log.Add).EnsureAsync("chromium", ["chromium"], CancellationToken.None);
            if (!result.Found) Assert.Fail($"The dashboard tests need Chromium: {result.Error}\n{string.Join('\n', log)}");
            // Debian's /usr/bin/chromium is a shell wrapper; Playwright drives the binary behind it.
            _path = File.Exists("/usr/lib/chromium/chromium") ? "/usr/lib/chromium/chromium" : result.Path!;
            return _path;
        }
        finally
        {
            Gate.Release();
        }
    }
}
