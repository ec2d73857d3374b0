using System.Diagnostics;
using Orchestration.Swarm;

namespace Orchestration.Tests.Swarm;

/// <summary>
/// dockerd refuses to start while its pid file exists, and a dockerd that was killed leaves it: the
/// file is stale when its pid is gone or belongs to another program now, never when a dockerd runs.
/// </summary>
public sealed class DockerPidFileTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"docker-{Guid.NewGuid():N}.pid");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void No_file_is_not_stale()
    {
        Assert.Equal((false, null), DockerEngine.StalePidFile(_path));
    }

    [Fact]
    public void A_pid_that_is_not_running_is_stale()
    {
        using var gone = Process.Start("true")!;
        gone.WaitForExit();
        File.WriteAllText(_path, $"{gone.Id}\n");

        var (stale, why) = DockerEngine.StalePidFile(_path);

        Assert.True(stale);
        Assert.Contains($"pid {gone.Id} is not running", why);
    }

    [Fact]
    public void A_pid_that_is_another_program_now_is_stale_and_the_program_is_left_alone()
    {
        File.WriteAllText(_path, Environment.ProcessId.ToString());

        var (stale, why) = DockerEngine.StalePidFile(_path);

        Assert.True(stale);
        Assert.Contains("not dockerd", why);
        Assert.False(Process.GetCurrentProcess().HasExited);
    }

    [Fact]
    public void Text_that_is_not_a_pid_is_stale()
    {
        File.WriteAllText(_path, "garbage");

        Assert.Equal((true, "it holds 'garbage', not a pid"), DockerEngine.StalePidFile(_path));
    }
}
