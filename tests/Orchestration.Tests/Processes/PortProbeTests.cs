using Orchestration.Processes;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Processes;

/// <summary>
/// Ports are picked below the kernel's ephemeral range, where no outgoing connection can take one
/// between the pick and the bind.
/// </summary>
public sealed class PortProbeTests
{
    [Theory]
    [InlineData("32768\t60999\n", 20768, 32768)]
    [InlineData("49152 65535", 37152, 49152)]
    [InlineData("1024\t65000", 1024, 65000)]
    public void The_pick_range_is_the_12000_ports_under_the_ephemeral_range(string rangeFile, int low, int high)
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "ip_local_port_range");
        File.WriteAllText(path, rangeFile);

        Assert.Equal((low, high), PortProbe.PickRange(path));
    }

    [Fact]
    public void A_picked_port_is_free_and_outside_the_ephemeral_range_of_this_machine()
    {
        var (low, high) = PortProbe.PickRange();
        for (var i = 0; i < 20; i++)
        {
            var port = PortProbe.PickFree();
            Assert.InRange(port, low, high - 1);
            Assert.True(PortProbe.IsFree(port));
        }
    }
}
