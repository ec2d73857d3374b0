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

    /// <summary>
    /// A port free right now, picked at random below the kernel's ephemeral range. Port 0 would hand
    /// out an ephemeral port, the same pool every outgoing connection (a health probe, a test's
    /// HttpClient) takes its local port from, so the port could be taken between the pick and the
    /// bind; below that range only another listener can take it.
    /// </summary>
    public static int PickFree()
    {
        var (low, high) = PickRange();
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(low, high);
            if (IsFree(port)) return port;
        }
        return PickEphemeral();
    }

    /// <summary>[low, high) to pick from: the 12,000 ports under the ephemeral range, or that range itself when there is no room below it.</summary>
    internal static (int Low, int High) PickRange(string rangeFile = "/proc/sys/net/ipv4/ip_local_port_range")
    {
        var ephemeralLow = 32768;
        try
        {
            var fields = File.ReadAllText(rangeFile).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0 && int.TryParse(fields[0], out var low)) ephemeralLow = low;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
        return ephemeralLow >= 12_000 + 1024 ? (ephemeralLow - 12_000, ephemeralLow) : (ephemeralLow, 65_000);
    }

    private static int PickEphemeral()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
