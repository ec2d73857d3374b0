using System.Globalization;

namespace Orchestration.Metrics;

/// <summary>
/// WebSockets the gateway holds open per instance port. nginx logs a WebSocket only when it closes,
/// so they are counted in <c>/proc/net/tcp</c> instead: the local gateway's WebSocket locations
/// connect from their own loopback address (<c>proxy_bind 127.0.0.2</c>), so an established
/// connection from it to an instance's port is an open WebSocket, never a keepalive REST connection.
/// Read only when figures are asked for.
/// </summary>
public static class OpenWebSockets
{
    public const string SourceAddress = "127.0.0.2";
    private const string SourceHex = "0200007F"; // /proc/net/tcp: the address in host byte order (little-endian)
    private const string Established = "01";

    /// <summary>Open WebSockets by instance port.</summary>
    public static IReadOnlyDictionary<int, int> ByPort(string table = "/proc/net/tcp")
    {
        var counts = new Dictionary<int, int>();
        IEnumerable<string> lines;
        try
        {
            lines = File.ReadLines(table).Skip(1).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return counts;
        }
        foreach (var line in lines)
        {
            // "  0: 0200007F:A1B2 0100007F:1F41 01 ..." = sl, local, remote, state
            var fields = line.Split(' ', 5, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4 || fields[3] != Established || !fields[1].StartsWith(SourceHex + ":", StringComparison.Ordinal)) continue;
            var remote = fields[2];
            var colon = remote.IndexOf(':');
            if (colon < 0 || !int.TryParse(remote.AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var port)) continue;
            counts[port] = counts.GetValueOrDefault(port) + 1;
        }
        return counts;
    }
}
