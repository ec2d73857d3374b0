using System.Net;
using System.Net.Sockets;

namespace TradingApi.Tests.Infrastructure;

public static class Ports
{
    /// <summary>A port free right now: bind port 0, read it, close.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
