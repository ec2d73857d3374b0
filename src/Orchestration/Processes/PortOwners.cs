using System.Globalization;

namespace Orchestration.Processes;

/// <summary>Who holds a listening TCP port: /proc/net/tcp{,6} gives the socket inode, /proc/*/fd the pid.</summary>
public static class PortOwners
{
    private const string Listen = "0A";

    public sealed record Owner(int Pid, int Uid, string User, string CommandLine)
    {
        public override string ToString() => $"pid {Pid} ({User}): {CommandLine}";
    }

    /// <summary>Processes with a socket listening on <paramref name="port"/>; empty when none can be seen.</summary>
    public static IReadOnlyList<Owner> Find(int port)
    {
        var inodes = ListeningInodes(port);
        if (inodes.Count == 0) return [];
        var owners = new List<Owner>();
        foreach (var pid in ProcInfo.AllPids())
        {
            if (!HoldsAny(pid, inodes)) continue;
            if (ProcInfo.Read(pid) is { } info)
                owners.Add(new Owner(pid, info.Uid, UserName(info.Uid), info.Argv.Count > 0 ? info.CommandLine : "?"));
        }
        return owners;
    }

    /// <summary>
    /// The process listening on <paramref name="port"/> when no process of <paramref name="session"/>
    /// listens there too (a program that took a port our child was meant to bind); null when one of
    /// ours listens, or when no listener can be seen.
    /// </summary>
    public static Owner? Intruder(int port, int session)
    {
        var inodes = ListeningInodes(port);
        if (inodes.Count == 0) return null;
        // The session leader is the program we started: when it holds the socket (the usual answer),
        // no walk over every process's descriptors is needed (32 instances made 32 such walks).
        if (HoldsAny(session, inodes)) return null;
        Owner? intruder = null;
        foreach (var pid in ProcInfo.AllPids())
        {
            if (!HoldsAny(pid, inodes) || ProcInfo.Read(pid) is not { } info) continue;
            if (info.Session == session) return null;
            intruder ??= new Owner(pid, info.Uid, UserName(info.Uid), info.Argv.Count > 0 ? info.CommandLine : "?");
        }
        return intruder;
    }

    /// <summary>The number of <paramref name="pid"/>'s descriptor that listens on <paramref name="port"/>; null when it holds none.</summary>
    public static int? ListeningDescriptor(int pid, int port)
    {
        var inodes = ListeningInodes(port);
        return inodes.Count == 0 ? null : DescriptorOf(pid, inodes);
    }

    private static HashSet<string> ListeningInodes(int port) => ListeningSockets.Inodes(port) ?? ListeningInodesFromProc(port);

    private static HashSet<string> ListeningInodesFromProc(int port)
    {
        var inodes = new HashSet<string>();
        var hexPort = port.ToString("X4", CultureInfo.InvariantCulture);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 10 || f[3] != Listen) continue;
                if (f[1].EndsWith(":" + hexPort, StringComparison.Ordinal)) inodes.Add(f[9]);
            }
        }
        return inodes;
    }

    private static bool HoldsAny(int pid, HashSet<string> inodes) => DescriptorOf(pid, inodes) is not null;

    private static int? DescriptorOf(int pid, HashSet<string> inodes)
    {
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                var target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal) && inodes.Contains(target[8..^1]))
                    return int.Parse(Path.GetFileName(fd), CultureInfo.InvariantCulture);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    private static string UserName(int uid) => UnixAccount.NameOf(uid);
}
