using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using Orchestration.Processes;

namespace Orchestration.Tests.Processes;

/// <summary>
/// A replacement instance started with the listening socket of the process it replaces (copied with
/// pidfd_getfd) and a health socket, in systemd's LISTEN_FDS protocol.
/// </summary>
public sealed class HandedSocketsTests
{
    [Fact]
    public async Task A_child_gets_the_other_process_listening_socket_as_fd_3_and_a_health_socket_as_fd_4_with_LISTEN_PID_its_own_pid()
    {
        using var holder = Process.Start(new ProcessStartInfo("python3", ["-c",
            "import socket,time; s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(60)"])
        {
            RedirectStandardOutput = true, UseShellExecute = false,
        })!;
        try
        {
            var port = int.Parse((await holder.StandardOutput.ReadLineAsync())!);
            var inode = ListeningInode(holder.Id, port);

            var spare = PortProbe.PickFree();
            var sockets = HandedSockets.For(holder.Id, port, spare, out var why);
            Assert.True(sockets is not null, why);
            var lines = new BlockingCollection<string>();
            ChildProcess child;
            var healthPort = sockets.HealthPort;
            using (sockets)
            {
                child = ChildProcess.Start(new ProcessSpec
                {
                    Name = "replacement",
                    Argv = ["/bin/sh", "-c", "for fd in 3 4 5; do echo fd$fd=$(readlink /proc/$$/fd/$fd); done; echo pid=$$ listen_pid=$LISTEN_PID fds=$LISTEN_FDS names=$LISTEN_FDNAMES; for f in /proc/$$/fd/*; do n=${f##*/}; [ $n -gt 9 ] && echo high $n $(readlink $f); done; echo end"],
                    WorkingDirectory = "/tmp",
                }, lines.Add, sockets);
            }
            await child.Exited.WaitAsync(TimeSpan.FromSeconds(10));
            await child.OutputClosed.WaitAsync(TimeSpan.FromSeconds(10));
            var output = string.Join('\n', lines);

            Assert.Contains($"fd3=socket:[{inode}]", output); // the very socket the other process listens on
            Assert.Matches(@"fd4=socket:\[\d+\]", output);
            Assert.Matches(@"fd5=socket:\[\d+\]", output); // the spare port, bound here: the holder does not have it
            Assert.Contains($"pid={child.Pid} listen_pid={child.Pid} fds=3 names=instance:health:spare", output);
            // The launcher closed the copies it moved onto 3 and 4 (other descriptors above 9 are the test runner's own).
            Assert.DoesNotContain(lines, l => l.StartsWith("high ", StringComparison.Ordinal) && l.Contains("socket:", StringComparison.Ordinal));
            // The holder still listens (the child's exit closed only its own copy), and the health socket is gone with the child.
            using (var client = new TcpClient()) await client.ConnectAsync("127.0.0.1", port);
            await Assert.ThrowsAsync<SocketException>(async () =>
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", healthPort);
            });
            Assert.True(PortProbe.IsFree(spare), $"the spare port {spare} must close with the only program that held it");
        }
        finally
        {
            holder.Kill();
            await holder.WaitForExitAsync();
        }
    }

    [Fact]
    public void A_process_that_does_not_listen_on_the_port_gives_no_sockets_and_says_why()
    {
        Assert.Null(HandedSockets.For(Environment.ProcessId, PortProbe.PickFree(), 0, out var why));
        Assert.Contains("holds no socket listening on port", why);
    }

    private static string ListeningInode(int pid, int port)
    {
        var hex = $":{port:X4}";
        var inode = File.ReadLines("/proc/net/tcp").Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Single(f => f[1].EndsWith(hex, StringComparison.Ordinal) && f[3] == "0A")[9];
        Assert.Contains(Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"), fd => new FileInfo(fd).LinkTarget == $"socket:[{inode}]");
        return inode;
    }
}
