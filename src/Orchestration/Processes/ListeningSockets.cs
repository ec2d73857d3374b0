using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Orchestration.Processes;

/// <summary>
/// The TCP sockets listening on a port, by socket inode, asked of the kernel with one sock_diag
/// netlink dump per address family restricted to the LISTEN state. Reading <c>/proc/net/tcp</c>
/// instead walks the whole connection table on every read (5-10 ms of kernel time each on this
/// machine, whatever the number of sockets), and Start checks every instance's port once it answers.
/// Null when the kernel refuses the dump (then the caller reads <c>/proc/net/tcp</c>).
/// </summary>
internal static partial class ListeningSockets
{
    private const int AF_NETLINK = 16;
    private const int AF_INET = 2;
    private const int AF_INET6 = 10;
    private const int SOCK_RAW = 3;
    private const int SOCK_CLOEXEC = 0x80000;
    private const int NETLINK_SOCK_DIAG = 4;
    private const ushort SOCK_DIAG_BY_FAMILY = 20;
    private const ushort NLM_F_REQUEST = 0x1;
    private const ushort NLM_F_DUMP = 0x300;
    private const ushort NLMSG_ERROR = 2;
    private const ushort NLMSG_DONE = 3;
    private const byte IPPROTO_TCP = 6;
    private const uint TCPF_LISTEN = 1 << 10;
    private const int HeaderSize = 16;
    private const int RequestSize = HeaderSize + 56;

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int SysSocket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static unsafe partial nint SysSend(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static unsafe partial nint SysRecv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int SysClose(int fd);

    /// <summary>Inodes of the sockets listening on <paramref name="port"/> (IPv4 and IPv6); null when netlink is not available.</summary>
    public static HashSet<string>? Inodes(int port)
    {
        var inodes = new HashSet<string>();
        foreach (var family in new[] { AF_INET, AF_INET6 })
        {
            if (!Dump(family, port, inodes)) return null;
        }
        return inodes;
    }

    private static unsafe bool Dump(int family, int port, HashSet<string> inodes)
    {
        var fd = SysSocket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        if (fd < 0) return false;
        try
        {
            var request = new byte[RequestSize];
            BinaryPrimitives.WriteUInt32LittleEndian(request, RequestSize);
            BinaryPrimitives.WriteUInt16LittleEndian(request.AsSpan(4), SOCK_DIAG_BY_FAMILY);
            BinaryPrimitives.WriteUInt16LittleEndian(request.AsSpan(6), NLM_F_REQUEST | NLM_F_DUMP);
            request[HeaderSize] = (byte)family;
            request[HeaderSize + 1] = IPPROTO_TCP;
            // The LISTEN state alone: the kernel then walks only its listening table, not every connection.
            BinaryPrimitives.WriteUInt32LittleEndian(request.AsSpan(HeaderSize + 4), TCPF_LISTEN);
            fixed (byte* r = request)
            {
                if (SysSend(fd, r, request.Length, 0) != request.Length) return false;
            }
            var buffer = new byte[32768];
            while (true)
            {
                nint read;
                fixed (byte* b = buffer) read = SysRecv(fd, b, buffer.Length, 0);
                if (read <= 0) return false;
                for (var offset = 0; offset + HeaderSize <= read;)
                {
                    var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset));
                    var type = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(offset + 4));
                    if (type == NLMSG_DONE) return true;
                    if (type == NLMSG_ERROR || length < HeaderSize) return false;
                    // inet_diag_msg: family, state, timer, retrans, then the socket id (source port first,
                    // big-endian), … and the inode at byte 68.
                    var message = buffer.AsSpan(offset + HeaderSize);
                    if (message.Length >= 72 && BinaryPrimitives.ReadUInt16BigEndian(message[4..]) == port)
                        inodes.Add(BinaryPrimitives.ReadUInt32LittleEndian(message[68..]).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    offset += (length + 3) & ~3;
                }
            }
        }
        finally
        {
            SysClose(fd);
        }
    }
}
