using System.Net;
using System.Net.Sockets;

namespace Orchestration.Processes;

/// <summary>
/// The listening sockets a replacement instance is started with, in systemd's socket-activation
/// protocol (<c>LISTEN_FDS</c>, <c>LISTEN_PID</c>, <c>LISTEN_FDNAMES</c>; descriptors from 3 on):
/// fd 3 is the instance's own listening socket, copied from the instance it replaces, so the two
/// accept from one queue and the port never closes; fd 4 is a fresh socket on a free loopback port
/// that only the replacement accepts on, for its health checks. Kestrel takes both with
/// <c>UseSystemd()</c>. The descriptors here are this process's copies, closed on exec and by
/// <see cref="Dispose"/> once the child has its own.
/// </summary>
public sealed class HandedSockets : IDisposable
{
    /// <summary>systemd's names for the descriptors, in order.</summary>
    public const string Names = "instance:health";

    private HandedSockets(int instance, int health, int healthPort)
    {
        InstanceFd = instance;
        HealthFd = health;
        HealthPort = healthPort;
    }

    public int InstanceFd { get; }
    public int HealthFd { get; }

    /// <summary>The loopback port only the replacement answers on.</summary>
    public int HealthPort { get; }

    public IReadOnlyList<int> Descriptors => [InstanceFd, HealthFd];

    /// <summary>
    /// The sockets for a replacement of the process <paramref name="pid"/> listening on
    /// <paramref name="port"/>; null with the reason when its socket cannot be copied (then the
    /// replacement starts on the spare port instead).
    /// </summary>
    public static HandedSockets? For(int pid, int port, out string? why)
    {
        if (PortOwners.ListeningDescriptor(pid, port) is not { } fd)
        {
            why = $"pid {pid} holds no socket listening on port {port}";
            return null;
        }
        if (Posix.CopyDescriptorOf(pid, fd, out why) is not { } copy) return null;
        // Above the shell's own descriptors, so that moving them onto 3 and 4 never overwrites one with the other.
        var instance = Posix.Duplicate(copy, lowest: 10);
        Posix.Close(copy);
        using var health = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        health.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        health.Listen(512);
        var healthFd = Posix.Duplicate((int)health.Handle, lowest: 10);
        return new HandedSockets(instance, healthFd, ((IPEndPoint)health.LocalEndPoint!).Port);
    }

    /// <summary>
    /// The shell text that moves the inherited copies onto 3 and 4, sets the protocol's variables
    /// (<c>LISTEN_PID</c> is the shell's own pid, which the program keeps through exec) and execs
    /// the program given as <c>$0</c> with its arguments.
    /// </summary>
    public string LauncherScript() =>
        $"exec 3<&{InstanceFd} 4<&{HealthFd} {InstanceFd}<&- {HealthFd}<&-; " +
        $"export LISTEN_PID=$$ LISTEN_FDS=2 LISTEN_FDNAMES={Names}; exec \"$0\" \"$@\"";

    public void Dispose()
    {
        Posix.Close(InstanceFd);
        Posix.Close(HealthFd);
    }
}
