using System.Net;
using System.Net.Sockets;
using Orchestration.Processes;

namespace Orchestration.Tests.Processes;

/// <summary>The kernel's listening sockets by port, asked over sock_diag netlink, agree with /proc/net/tcp{,6}.</summary>
public sealed class ListeningSocketsTests
{
    [Fact]
    public void The_netlink_dump_finds_the_same_listening_inodes_as_proc_net_tcp_for_IPv4_and_IPv6()
    {
        var v4 = new TcpListener(IPAddress.Loopback, 0);
        v4.Start();
        var port = ((IPEndPoint)v4.LocalEndpoint).Port;
        using var v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            v6.Bind(new IPEndPoint(IPAddress.IPv6Loopback, port));
            v6.Listen();
            // A connection to the port is not a listener: it must not be counted.
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);

            var fromNetlink = ListeningSockets.Inodes(port);

            Assert.NotNull(fromNetlink);
            Assert.Equal(FromProc(port).Order(), fromNetlink.Order());
            Assert.Equal(2, fromNetlink.Count);
            Assert.Empty(ListeningSockets.Inodes(PortProbe.PickFree())!);
            Assert.Equal(Environment.ProcessId, PortOwners.Find(port).Select(o => o.Pid).Distinct().Single());
        }
        finally
        {
            v4.Stop();
        }
    }

    private static HashSet<string> FromProc(int port)
    {
        var hex = $":{port:X4}";
        return new[] { "/proc/net/tcp", "/proc/net/tcp6" }
            .SelectMany(File.ReadLines).Where(l => !l.TrimStart().StartsWith("sl", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f[1].EndsWith(hex, StringComparison.Ordinal) && f[3] == "0A").Select(f => f[9]).ToHashSet();
    }
}
