using Orchestration.Config;
using Orchestration.IO;
using Orchestration.Nginx;
using Orchestration.Processes;

namespace Orchestration.Supervision;

/// <summary>
/// Points the gateway at an instance's new port without a restart: render the config with the port
/// override, prove it with nginx -t, SIGHUP the master, and wait until a worker of the new
/// generation runs (old workers stop accepting as soon as the new ones exist).
/// </summary>
internal sealed class GatewaySwitch(DeploymentConfig config, string nginxBinary)
{
    private static readonly TimeSpan WorkerWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan OldWorkerDrain = TimeSpan.FromSeconds(2);
    private readonly Dictionary<string, int> _ports = new(StringComparer.Ordinal);

    /// <summary>Sends <paramref name="instance"/>'s traffic to <paramref name="port"/>; null on success, else why not.</summary>
    public async Task<string?> SwitchAsync(string instance, int port, int configuredPort, int nginxMasterPid, CancellationToken cancellationToken)
    {
        if (port == configuredPort) _ports.Remove(instance);
        else _ports[instance] = port;
        var text = NginxConfigRenderer.Render(config, new NginxRenderOptions
        {
            User = Posix.IsRoot ? "root" : null,
            InstancePorts = new Dictionary<string, int>(_ports),
        });
        AtomicFile.WriteAllText(config.Paths.NginxConf, text);
        var check = await NginxValidator.ValidateAsync(nginxBinary, config.Paths.NginxConf, config.Paths, cancellationToken).ConfigureAwait(false);
        if (!check.Success) return $"nginx -t rejected the switched config: {check.Message}";
        if (nginxMasterPid <= 0) return null; // the gateway is not up yet: the file is all there is to change

        var before = Workers(nginxMasterPid);
        if (!Posix.Kill(nginxMasterPid, Posix.SIGHUP)) return "nginx is not running";
        var deadline = DateTime.UtcNow + WorkerWait;
        while (!Workers(nginxMasterPid).Except(before).Any())
        {
            if (DateTime.UtcNow > deadline) return $"nginx started no new worker within {WorkerWait.TotalSeconds:0} s of SIGHUP";
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
        // Old workers still answer requests on connections they hold, with the old upstreams: the old
        // instance must outlive them. They leave as soon as those connections are idle; a WebSocket
        // can hold one for an hour, so the wait is bounded and such a socket is closed by the old
        // instance's graceful stop (1001), after which its client reconnects to the new one.
        var drain = DateTime.UtcNow + OldWorkerDrain;
        while (before.Any(ProcInfo.IsRunning) && DateTime.UtcNow < drain)
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private static HashSet<int> Workers(int masterPid) =>
        ProcInfo.AllPids().Where(p => ProcInfo.Read(p) is { HasExited: false } info && info.ParentPid == masterPid).ToHashSet();
}
