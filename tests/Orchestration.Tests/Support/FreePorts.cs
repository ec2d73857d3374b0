using System.Net;
using System.Net.Sockets;

namespace Orchestration.Tests.Support;

/// <summary>Ports picked at run time: a run of consecutive ports that are free right now.</summary>
public static class FreePorts
{
    private static readonly Random Random = new();

    public static int Range(int count)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            int first;
            lock (Random) first = Random.Next(20_000, 60_000);
            if (Enumerable.Range(first, count).All(IsFree)) return first;
        }
        throw new InvalidOperationException($"no {count} consecutive free ports found");
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
