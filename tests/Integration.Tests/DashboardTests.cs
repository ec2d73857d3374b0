using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Orchestration.Benchmarks;

namespace Integration.Tests;

/// <summary>The live dashboard (issue 16) in a real browser: headless Debian Chromium driven by Playwright.</summary>
public sealed class DashboardTests
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task The_page_shows_every_process_streams_a_backend_log_line_within_a_second_and_its_restart_button_replaces_the_instance_with_no_failed_request()
    {
        var chromium = await Chromium.ExecutableAsync();
        await using var stack = new TestStack(GatewayMetricsTests.TwoPythonInstances);
        await stack.RunOkAsync("Start");
        var dashboard = await stack.RunOkAsync("Dashboard", "--no-open");
        var url = Regex.Match(dashboard.StandardOutput, @"http://127\.0\.0\.1:\d+/\?token=[0-9a-f]{64}").Value;
        Assert.True(url.Length > 0, dashboard.ToString());
        var again = await stack.RunOkAsync("Dashboard", "--no-open");
        Assert.Contains(url, again.StandardOutput); // one dashboard per supervisor, the same key

        // The token is the key: none, or a wrong one, gets 401 for the page and the API alike.
        var root = url[..url.IndexOf('?')];
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.GetAsync(root)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.GetAsync(root + "api/status?token=" + new string('0', 64))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.PostAsync(root + "api/restart?name=app-0", null)).StatusCode);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add($"console: {message.Text}"); };
        page.PageError += (_, error) => errors.Add($"page error: {error}");
        await page.GotoAsync(url);

        foreach (var name in new[] { "supervisor", "app-0", "app-1", "nginx" })
            await Assertions.Expect(page.Locator($"tr[data-name='{name}'] td.state")).ToHaveTextAsync("running", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#log-state")).ToHaveTextAsync("live", new() { Timeout = 10_000 });

        var marker = "dashboard-probe-" + Guid.NewGuid().ToString("N")[..8];
        (await Http.GetAsync($"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/core/ok?say={marker}")).EnsureSuccessStatusCode();
        await Assertions.Expect(page.Locator("#logs .line", new() { HasText = marker })).ToHaveCountAsync(1, new() { Timeout = 1_000 });

        var before = stack.State!.Processes.Single(p => p.Name == "app-0").Pid;
        Assert.Equal(before.ToString(), await page.Locator("tr[data-name='app-0'] td.pid").TextContentAsync());
        var load = await new LoadGenerator($"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/core/health").RunDuringAsync(async _ =>
        {
            await page.ClickAsync("button[data-restart='app-0']");
            await Assertions.Expect(page.Locator("#operation")).ToHaveTextAsync(new Regex("(done|failed)$"), new() { Timeout = 60_000 });
        }, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(0.5), CancellationToken.None);

        var operation = await page.Locator("#operation").TextContentAsync();
        Assert.True(operation!.EndsWith("done"), $"{operation}\n{await page.Locator("#operation-output").TextContentAsync()}");
        var after = stack.State!.Processes.Single(p => p.Name == "app-0").Pid;
        Assert.NotEqual(before, after);
        Assert.True(load.Failed == 0, $"{load.Failed} of {load.Requests} gateway requests failed during the restart: {load.DescribeKinds()}");
        await Assertions.Expect(page.Locator("tr[data-name='app-0'] td.pid")).ToHaveTextAsync(after.ToString(), new() { Timeout = 5_000 });

        if (Environment.GetEnvironmentVariable("UPDATE_SCREENSHOT") == "1")
            await page.ScreenshotAsync(new() { Path = Path.Combine(Repo.Root, "docs", "dashboard.png"), FullPage = true });
        Assert.True(errors.Count == 0, string.Join('\n', errors));
    }
}
