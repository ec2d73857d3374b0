using Orchestration.Builds;

namespace TradingApi.Tests.Infrastructure;

/// <summary>
/// Which build of TradingApi a real-process test runs: the JIT build (<c>dotnet TradingApi.dll</c>, copied
/// next to the tests by the project reference) or the Native AOT binary, which the manager's own
/// <see cref="AotPublisher"/> publishes once per test run and only when an input changed since the last
/// publish (shared with Start's, in the project's obj/). The same tests run against both, so neither drifts.
/// </summary>
public sealed record ApiBuild(string Name)
{
    public static readonly ApiBuild Jit = new("jit");

    public static readonly ApiBuild Aot = new("aot");

    /// <summary>A publish may wait for another one (Start, a parallel test run) and, on a busy 2-core machine, take minutes.</summary>
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);

    private static readonly Lazy<Task<string>> AotBinary = new(PublishAsync);

    /// <summary>The argv that starts this build (resolved before a test's own timeout starts).</summary>
    public async Task<IReadOnlyList<string>> CommandAsync() =>
        this == Jit ? [DotnetHost, Path.Combine(AppContext.BaseDirectory, "TradingApi.dll")] : [await AotBinary.Value];

    public override string ToString() => Name;

    private static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    private static async Task<string> PublishAsync()
    {
        using var timeout = new CancellationTokenSource(PublishTimeout);
        var published = await new AotPublisher(DotnetHost).EnsurePublishedAsync(Project, timeout.Token);
        return published.Binary;
    }

    private static string Project
    {
        get
        {
            for (var dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
            {
                var project = Path.Combine(dir, "src", "TradingApi", "TradingApi.csproj");
                if (File.Exists(project))
                {
                    return project;
                }
            }

            throw new InvalidOperationException("src/TradingApi/TradingApi.csproj not found above " + AppContext.BaseDirectory);
        }
    }
}
