using Xunit.Abstractions;

namespace TradingApi.Tests.Infrastructure;

/// <summary>
/// A test class whose every test gets its own healthy process of <paramref name="build"/> with
/// <paramref name="environment"/>, ended after the test in every outcome. Each test has 30 s, counted
/// from after the build is resolved: the first Native AOT use of a run may wait minutes for the publish.
/// </summary>
public abstract class RunningApiTest(ApiBuild build, ITestOutputHelper log, IReadOnlyDictionary<string, string> environment) : IAsyncLifetime
{
    private CancellationTokenSource _timeout = null!;

    protected ApiProcess Api { get; private set; } = null!;

    protected CancellationToken Token => _timeout.Token;

    public async Task InitializeAsync()
    {
        var command = await build.CommandAsync();
        _timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Api = await ApiProcess.StartAsync(command, environment, log, Token);
    }

    public virtual async Task DisposeAsync()
    {
        if (Api is not null)
        {
            await Api.DisposeAsync();
        }

        _timeout?.Dispose();
    }
}
