using System.Net;
using System.Net.Sockets;

namespace Orchestration.Processes;

/// <summary>
/// The listening sockets a replacement instance is started with, in systemd's socket-activation
/// protocol (<c>LISTEN_FDS</c>, <c>LISTEN_PID</c>, <c>LISTEN_FDNAMES</c>; descriptors from 3 on):
/// <list type="number">
/// <item>fd 3, the instance's own listening socket, copied from the instance it replaces: the two
/// accept from one queue and the port never closes;</item>
/// <item>fd 4, a fresh socket on a free loopback port that only the replacement accepts on, for its
/// health checks;</item>
/// <item>fd 5 (when there is one), the instance's spare port, which nginx lists as its <c>backup</c>:
/// copied from the old instance when it has it, else bound here. A request nginx sent on a keep-alive
/// connection the old instance closed as it stopped is retried on the backup, so it must answer.</item>
/// </list>
/// Kestrel takes them all with <c>UseSystemd()</c>. The descriptors here are this process's copies,
/// closed on exec and by <see cref="Dispose"/> once the child has its own.
/// </summary>
public sealed class HandedSockets : IDisposable
{
    private readonly int[] _descriptors;

    private HandedSockets(int[] descriptors, int healthPort)
    {
        _descriptors = descriptors;
        HealthPort = healthPort;
    }

    /// <summary>The loopback port only the replacement answers on.</summary>
    public int HealthPort { get; }

    /// <summary>This process's copies, in the order the child gets them from fd 3 on.</summary>
    public IReadOnlyList<int> Descriptors => _descriptors;

    /// <summary>systemd's names for the descriptors, in order.</summary>
    public string Names => _descriptors.Length == 3 ? "instance:health:spare" : "instance:health";

    /// <summary>
    /// The sockets for a replacement of the process <paramref name="pid"/> listening on
    /// <paramref name="port"/>; null with the reason when its socket cannot be copied (then the
    /// replacement starts on the spare port instead).
    /// </summary>
    /// <param name="sparePort">The instance's spare port; 0 for none.</param>
    public static HandedSockets? For(int pid, int port, int sparePort, out string? why)
    {
        if (Copy(pid, port, out why) is not { } instance) return null;
        var descriptors = new List<int> { instance };
        var health = Listen(0);
        descriptors.Add(health.Fd);
        if (sparePort > 0)
        {
            // Copied when the old instance has it (it was itself a replacement), else bound here; when
            // another program holds it, the replacement goes without (nginx's retry finds nobody there, as before).
            if (Copy(pid, sparePort, out _) is { } spare) descriptors.Add(spare);
            else if (TryListen(sparePort) is { } bound) descriptors.Add(bound);
        }
        return new HandedSockets([.. descriptors], health.Port);
    }

    private static int? Copy(int pid, int port, out string? why)
    {
        if (PortOwners.ListeningDescriptor(pid, port) is not { } fd)
        {
            why = $"pid {pid} holds no socket listening on port {port}";
            return null;
        }
        if (Posix.CopyDescriptorOf(pid, fd, out why) is not { } copy) return null;
        // Above the shell's own descriptors, so that moving them onto 3, 4 and 5 never overwrites one with another.
        var high = Posix.Duplicate(copy, lowest: 10);
        Posix.Close(copy);
        return high;
    }

    private static int? TryListen(int port)
    {
        try
        {
            return Listen(port).Fd;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private static (int Fd, int Port) Listen(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        socket.Listen(512);
        return (Posix.Duplicate((int)socket.Handle, lowest: 10), ((IPEndPoint)socket.LocalEndPoint!).Port);
    }

    /// <summary>
    /// The shell text that moves the inherited copies onto 3, 4 (and 5), sets the protocol's variables
    /// (<c>LISTEN_PID</c> is the shell's own pid, which the program keeps through exec) and execs
    /// the program given as <c>$0</c> with its arguments.
    /// </summary>
    public string LauncherScript()
    {
        var moves = string.Join(' ', _descriptors.Select((fd, i) => $"{3 + i}<&{fd}"));
        var closes = string.Join(' ', _descriptors.Select(fd => $"{fd}<&-"));
        return $"exec {moves} {closes}; export LISTEN_PID=$$ LISTEN_FDS={_descriptors.Length} LISTEN_FDNAMES={Names}; exec \"$0\" \"$@\"";
    }

    public void Dispose()
    {
        foreach (var fd in _descriptors) Posix.Close(fd);
    }
}
