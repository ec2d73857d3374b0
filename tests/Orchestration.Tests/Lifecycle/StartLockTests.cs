using Orchestration.Config;
using Orchestration.Lifecycle;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Lifecycle;

public sealed class StartLockTests
{
    [Fact]
    public void A_second_Start_of_the_same_deployment_is_refused_naming_the_holder_until_the_first_releases()
    {
        using var dir = new TempDir();
        var paths = new LocalPaths(Path.Combine(dir.Path, ".local"));

        using (StartLock.Acquire(paths))
        {
            var refused = Assert.Throws<RefusedException>(() => StartLock.Acquire(paths));
            Assert.Contains($"pid {Environment.ProcessId}", refused.Message);
        }

        using var again = StartLock.Acquire(paths); // released: the next one gets it
    }

    [Fact]
    public void Two_deployments_never_share_a_lock()
    {
        using var dir = new TempDir();
        var devPaths = new LocalPaths(Path.Combine(dir.Path, "dev"));
        using var dev = StartLock.Acquire(devPaths);

        using var prod = StartLock.Acquire(new LocalPaths(Path.Combine(dir.Path, "prod"))); // not refused by dev's

        Assert.Throws<RefusedException>(() => StartLock.Acquire(devPaths)); // while dev's own is still held
    }
}
