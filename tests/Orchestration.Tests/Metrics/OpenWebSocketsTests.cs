using Orchestration.Metrics;

namespace Orchestration.Tests.Metrics;

public sealed class OpenWebSocketsTests
{
    [Fact]
    public void Only_established_connections_from_the_WebSocket_source_address_count_per_instance_port()
    {
        var table = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(table,
            [
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0200007F:A000 0100007F:1F41 01 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 20 4 30 10 -1",
                "   1: 0200007F:A001 0100007F:1F41 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0000000000000000 20 4 30 10 -1",
                "   2: 0200007F:A002 0100007F:1F42 06 00000000:00000000 00:00000000 00000000     0        0 3 1 0000000000000000 20 4 30 10 -1", // TIME_WAIT
                "   3: 0100007F:A003 0100007F:1F42 01 00000000:00000000 00:00000000 00000000     0        0 4 1 0000000000000000 20 4 30 10 -1", // keepalive REST
            ]);

            var counts = OpenWebSockets.ByPort(table);

            Assert.Equal(2, counts[0x1F41]);
            Assert.False(counts.ContainsKey(0x1F42));
        }
        finally
        {
            File.Delete(table);
        }
    }
}
