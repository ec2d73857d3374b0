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

    /// <summary>A port the OS says is free right now (bind port 0, read it, close).</summary>
    public static int PickFree()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
