using System.Net.Sockets;
using Orchestration.Config;
using Orchestration.Logs;
using Orchestration.Processes;
using Orchestration.IO;
using Orchestration.State;

namespace Orchestration.Supervision;

/// <summary>
/// The gateway under the supervisor: nginx in the foreground (<c>daemon off;</c>) as one of its
/// children, started once every instance is healthy, reloaded gracefully, its error log followed
/// into the unified log, its logs reopened after a rotation.
/// </summary>
internal sealed class NginxRunner(SupervisorContext context, ProcessRunner runner)
{
    private static readonly TimeSpan GatewayDeadline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RotationCheck = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ReloadDeadline = TimeSpan.FromSeconds(10);
    private bool _followingErrorLog;
    private string? _configHash;

    private SupervisorPlan Plan => context.Plan;

    private SupervisedProcess? Current
    {
        get
        {
            lock (context.StateGate) return context.Processes.FirstOrDefault(p => p.Kind == ProcessKind.Nginx);
        }
    }

    /// <summary>Starts nginx and waits until the gateway accepts connections; null on success, else why not. Call under the gate.</summary>
    public async Task<string?> StartAsync(CancellationToken cancellationToken)
    {
        var nginx = Current;
        if (nginx is { Child.HasExited: false }) return null;
        if (nginx is null)
        {
            nginx = new SupervisedProcess(Plan.Nginx, ProcessKind.Nginx, null, Plan.GatewayPort, [], context.NewCrashPolicy());
            lock (context.StateGate) context.Processes.Add(nginx);
        }
        _configHash = ConfigHash();
        await runner.SpawnAsync(nginx, cancellationToken).ConfigureAwait(false);
        var error = await WaitForGatewayAsync(nginx, cancellationToken).ConfigureAwait(false);
        if (error is null)
        {
            context.Logs.Event($"Gateway ready on {Plan.GatewayAddress}:{Plan.GatewayPort} (nginx pid {nginx.Child!.Pid})");
            FollowErrorLog();
        }
        return error;
    }

    /// <summary>The hash of the config the running nginx read (a hand-over carries it on).</summary>
    public string? ConfigHashRead => _configHash;

    /// <summary>After a hand-over: nginx runs on (the supervisor took it over with the other children); its error log is followed again.</summary>
    public void TakeOver(string? configHashRead)
    {
        _configHash = configHashRead;
        if (Current is not null) FollowErrorLog();
    }

    /// <summary>
    /// nginx writes its own logs, so they are rotated here: renamed when past the size, then nginx
    /// reopens them (SIGUSR1); lines written between the two land in the renamed file, none is lost.
    /// </summary>
    private void RotateLogsWhenFull()
    {
        var settings = Plan.Logs;
        var full = new[] { context.Paths.NginxAccessLog, context.Paths.NginxErrorLog }
            .Where(path => File.Exists(path) && new FileInfo(path).Length > settings.MaxSizeBytes).ToList();
        if (full.Count == 0) return;
        foreach (var path in full) LogRotation.Shift(path, settings.MaxFiles);
        ReopenLogs();
    }

    private async Task RotateLoopAsync()
    {
        using var timer = new PeriodicTimer(RotationCheck);
        try
        {
            while (await timer.WaitForNextTickAsync(context.Stopped).ConfigureAwait(false))
            {
                try
                {
                    RotateLogsWhenFull();
                }
                catch (IOException ex)
                {
                    context.Logs.Event($"Rotating nginx's logs failed: {ex.Message}", "WARN");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Graceful reload with the newest config (nginx.next.conf moved over nginx.conf; the caller has
    /// proved it with nginx -t), and a wait until nginx runs it: new workers started, the old ones
    /// told to finish what they serve. Null once it does; else why not.
    /// </summary>
    public async Task<string?> ReloadAsync(CancellationToken cancellationToken)
    {
        TakeNextConfig();
        _configHash = ConfigHash();
        var nginx = Current;
        if (nginx is not { Child.HasExited: false } || nginx.Identity?.FindAlive() is null) return "nginx is not running";
        var master = nginx.Identity.Pid;
        var before = Workers(master);
        var error = Signal(Posix.SIGHUP, "reloading");
        if (error is not null) return error;
        var reloaded = await Poll.UntilAsync(() => Task.FromResult(Workers(master).Except(before).Any()), ReloadDeadline, TimeSpan.FromMilliseconds(10), cancellationToken)
            .ConfigureAwait(false);
        if (!reloaded) return $"nginx (pid {master}) started no worker with the new config within {ReloadDeadline.TotalSeconds:0} s; see {context.Paths.NginxErrorLog}";
        context.Logs.Event("nginx runs the new config");
        return null;
    }

    /// <summary>
    /// Reloads only when the config changed since nginx read it: a reload closes idle keepalive
    /// connections, which a client racing its next request on one sees as a failure. A gateway that
    /// is down has nothing to reload (its restart reads the new file).
    /// </summary>
    public async Task<string?> ReloadIfChangedAsync(CancellationToken cancellationToken)
    {
        TakeNextConfig();
        if (ConfigHash() == _configHash) return null;
        return Current is { Child.HasExited: false } ? await ReloadAsync(cancellationToken).ConfigureAwait(false) : null;
    }

    private void TakeNextConfig()
    {
        if (File.Exists(context.Paths.NextNginxConf)) File.Move(context.Paths.NextNginxConf, context.Paths.NginxConf, overwrite: true);
    }

    /// <summary>The worker processes of the nginx master <paramref name="master"/> (its children in its group).</summary>
    private static HashSet<int> Workers(int master) =>
        ProcInfo.GroupMembers(master).Where(pid => pid != master && ProcInfo.Read(pid)?.ParentPid == master).ToHashSet();

    private string? ConfigHash()
    {
        var path = context.Paths.NginxConf;
        return File.Exists(path) ? ShortHash.Of(File.ReadAllBytes(path)) : null;
    }

    /// <summary>nginx reopens its log files (after they were rotated), as <c>nginx -s reopen</c> does.</summary>
    public string? ReopenLogs() => Signal(Posix.SIGUSR1, "reopened its logs");

    private string? Signal(int signal, string what)
    {
        var nginx = Current;
        if (nginx is not { Child.HasExited: false } || nginx.Identity?.FindAlive() is null) return "nginx is not running";
        Posix.Kill(nginx.Identity.Pid, signal);
        context.Logs.Event($"nginx {what} ({Posix.SignalName(signal)})");
        return null;
    }

    private async Task<string?> WaitForGatewayAsync(SupervisedProcess nginx, CancellationToken cancellationToken)
    {
        var address = NginxSettings.ClientAddress(Plan.GatewayAddress);
        var child = nginx.Child;
        if (child is null) return $"nginx could not be started ({nginx.LastExit}); see {context.Paths.LogFor(nginx.Name)}";
        var reached = await Poll.UntilAsync(async () =>
        {
            if (child.HasExited) return true;
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(address, Plan.GatewayPort, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, GatewayDeadline, TimeSpan.FromMilliseconds(10), cancellationToken).ConfigureAwait(false);
        if (child.HasExited) return $"nginx exited at start ({await child.Exited.ConfigureAwait(false)}); see {context.Paths.NginxErrorLog}";
        return reached ? null : $"nginx did not open {address}:{Plan.GatewayPort} within {GatewayDeadline.TotalSeconds:0} s";
    }

    /// <summary>nginx writes its error log itself; its lines join the unified log too, prefixed "nginx".</summary>
    private void FollowErrorLog()
    {
        if (_followingErrorLog) return;
        _followingErrorLog = true;
        var tail = new LogTail(context.Paths.NginxErrorLog, line => context.Logs.WriteUnified("nginx", line));
        _ = tail.RunAsync(0, follow: true, context.Stopped);
        _ = RotateLoopAsync();
    }
}
