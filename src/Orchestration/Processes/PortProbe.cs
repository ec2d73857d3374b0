using System.Net;
using System.Net.Sockets;

namespace Orchestration.Processes;

/// <summary>Is a TCP port free to listen on? Binds with SO_REUSEADDR, as Kestrel and nginx do.</summary>
public static class PortProbe
{
    public static bool IsFree(int port, string address = "127.0.0.1")
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Parse(address), port));
            socket.Listen(1);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// One port per block, each with its next <c>size - 1</c> neighbours free too (instance i listens on
    /// port + i) and no two blocks overlapping: the first port of each block.
    /// </summary>
    public static IReadOnlyList<int> PickFreeBlocks(IReadOnlyList<int> sizes)
    {
        var picked = new List<(int Start, int Size)>();
        foreach (var size in sizes)
        {
            for (var attempt = 0; ; attempt++)
            {
                if (attempt > 200) throw new InvalidOperationException($"Could not find {size} consecutive free ports");
                var port = PickFree();
                if (port + size > 65000 || picked.Any(b => port < b.Start + b.Size + 2 && b.Start < port + size + 2)) continue;
                if (!Enumerable.Range(port, size).All(p => IsFree(p))) continue;
                picked.Add((port, size));
                break;
            }
        }
        return picked.Select(b => b.Start).ToList();
    }

    /// <summary>A port the OS says is free right now (bind port 0, read it, close).</summary>
    public static int PickFree()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
