using System.Net.Sockets;
using Orchestration.Config;
using Orchestration.Logs;
using Orchestration.Processes;
using Orchestration.State;

namespace Orchestration.Supervision;

/// <summary>
/// The parent of every instance and of nginx for one deployment. It starts them, pipes their output
/// into the logs, reaps and records every exit, restarts crashed instances once the stack is up,
/// and stops everything in the guide's order. It alone writes <c>state.json</c>.
/// </summary>
public sealed partial class Supervisor : IDisposable
{
    private static readonly TimeSpan[] RestartBackoff = [TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];
    private readonly SupervisorPlan _plan;
    private readonly StateStore _store;
    private readonly LogRouter _logs;
    private readonly ProcessRecord _self;
    private readonly DateTimeOffset _startedAt = DateTimeOffset.Now;
    private readonly List<SupervisedProcess> _processes = [];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _stateGate = new();
    private readonly CancellationTokenSource _stopped = new();
    private bool _autoRestart;
    private bool _stopping;
    private bool _followingNginxLog;
    private bool _cleared;

    public Supervisor(SupervisorPlan plan, LogRouter logs)
    {
        _plan = plan;
        _logs = logs;
        _store = new StateStore(new LocalPaths(plan.LocalDir));
        var me = ProcInfo.Read(Environment.ProcessId)!;
        _self = new ProcessRecord
        {
            Name = "supervisor", Kind = ProcessKind.Supervisor, Pid = me.Pid, ProcessGroup = me.ProcessGroup,
            StartTicks = me.StartTicks, Argv = me.Argv, Executable = me.Executable, Status = ProcessStatus.Running, StartedAt = _startedAt,
            Log = Path.Combine(_store.Paths.Logs, "supervisor.log"),
        };
        foreach (var instance in plan.Instances)
            _processes.Add(new SupervisedProcess(instance.Process, ProcessKind.Instance, instance.Server, instance.Port, instance.Modules) { ArgvTemplate = instance.ArgvTemplate, SparePort = instance.SparePort });
    }

    /// <summary>Cancelled once everything has been stopped and the supervisor may exit.</summary>
    public CancellationToken Stopped => _stopped.Token;

    public LocalPaths Paths => _store.Paths;

    public DeploymentState Snapshot()
    {
        lock (_stateGate)
        {
            return new DeploymentState
            {
                Supervisor = _self,
                ConfigPath = _plan.ConfigPath,
                PlanHash = _plan.Hash(),
                ConfigHash = _plan.ConfigHash,
                StartedAt = _startedAt,
                Processes = _processes.Select(p => p.ToRecord(_store.Paths.LogFor(p.Name))).ToList(),
                Watch = WatchRecords(),
            };
        }
    }

    /// <summary>Spawns every instance at once; health is the caller's to wait for.</summary>
    public async Task StartInstancesAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var spawns = _processes.Where(p => p.Kind == ProcessKind.Instance).Select(p => SpawnAsync(p, cancellationToken));
            await Task.WhenAll(spawns).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
        SaveState();
    }

    /// <summary>Starts nginx in the foreground under us and waits until the gateway accepts connections.</summary>
    public async Task<string?> StartNginxAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var nginx = _processes.FirstOrDefault(p => p.Kind == ProcessKind.Nginx);
            if (nginx is { Child.HasExited: false }) return null;
            if (nginx is null)
            {
                nginx = new SupervisedProcess(_plan.Nginx, ProcessKind.Nginx, null, _plan.GatewayPort, []);
                lock (_stateGate) _processes.Add(nginx);
            }
            await SpawnAsync(nginx, cancellationToken).ConfigureAwait(false);
            var error = await WaitForGatewayAsync(nginx, cancellationToken).ConfigureAwait(false);
            if (error is null)
            {
                _logs.Event($"Gateway ready on {_plan.GatewayAddress}:{_plan.GatewayPort} (nginx pid {nginx.Child!.Pid})");
                FollowNginxErrorLog();
            }
            return error;
        }
        finally
        {
            _gate.Release();
            SaveState();
        }
    }

    /// <summary>Graceful nginx reload: the caller has already proved the new config with nginx -t.</summary>
    public string? ReloadNginx()
    {
        var nginx = _processes.FirstOrDefault(p => p.Kind == ProcessKind.Nginx && p.Child is { HasExited: false });
        if (nginx?.Identity?.FindAlive() is null) return "nginx is not running";
        Posix.Kill(nginx.Identity.Pid, Posix.SIGHUP);
        _logs.Event("nginx reloaded (SIGHUP)");
        return null;
    }

    /// <summary>Called by Start once the stack is healthy: from now on a crashed instance or nginx is restarted.</summary>
    public void MarkStarted()
    {
        if (_autoRestart) return;
        _autoRestart = true;
        _logs.Event("Stack started; crashed instances will be restarted");
        if (_plan.Watch.Count == 0) return;
        StartWatching();
    }

    private async Task SpawnAsync(SupervisedProcess process, CancellationToken cancellationToken)
    {
        process.Stopping = false;
        process.LastExit = null;
        var child = StartChild(process.Spec, out var failure);
        if (child is null)
        {
            process.Child = null;
            process.Identity = null;
            process.LastExit = new ChildExit(127, DateTimeOffset.Now);
            process.Status = ProcessStatus.Exited;
            _logs.Write(process.Name, LogRouter.Timestamped("ERROR", failure!));
            return;
        }
        await AdoptAsync(process, child, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a child whose output goes to the process's logs; null (with the reason logged) when it cannot start.</summary>
    private ChildProcess? StartChild(ProcessSpec spec, out string? failure)
    {
        var name = spec.Name;
        try
        {
            var child = ChildProcess.Start(spec, line => _logs.Write(name, line));
            _logs.Event($"Started {name} (pid {child.Pid}): {string.Join(' ', spec.Argv)}");
            failure = null;
            return child;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            failure = $"could not start {name}: {ex.InnerException?.Message ?? ex.Message} (argv: {string.Join(' ', spec.Argv)}, cwd: {spec.WorkingDirectory})";
            _logs.Event(failure, "ERROR");
            return null;
        }
    }

    /// <summary>Makes <paramref name="child"/> the process's current one: its exit is now this process's exit.</summary>
    private async Task AdoptAsync(SupervisedProcess process, ChildProcess child, CancellationToken cancellationToken)
    {
        lock (_stateGate)
        {
            process.Child = child;
            process.Spec = child.Spec;
            process.Stopping = false;
            process.LastExit = null;
            process.Status = ProcessStatus.Starting;
            process.StartedAt = DateTimeOffset.Now;
            process.Identity = new ProcessIdentity(child.Pid, 0, child.Spec.Argv);
        }
        _ = child.Exited.ContinueWith(t => OnExited(process, child, t.Result), TaskScheduler.Default);
        var identity = await child.CaptureIdentityAsync(cancellationToken).ConfigureAwait(false);
        lock (_stateGate)
        {
            if (!ReferenceEquals(process.Child, child)) return;
            process.Identity = identity ?? process.Identity;
            if (!child.HasExited) process.Status = ProcessStatus.Running;
        }
    }

    private void OnExited(SupervisedProcess process, ChildProcess child, ChildExit exit)
    {
        if (!ReferenceEquals(process.Child, child)) return; // an older generation of a restarted process
        lock (_stateGate)
        {
            process.LastExit = exit;
            process.Status = process.Stopping || _stopping ? ProcessStatus.Stopped : ProcessStatus.Exited;
        }
        var expected = process.Stopping || _stopping;
        _logs.Flush(); // its last lines are on disk before its exit is on record
        _logs.Event($"{process.Name} (pid {child.Pid}) exited: {exit}", expected ? "INFO" : "ERROR");
        SaveState();
        if (!expected && _autoRestart && process.Kind is ProcessKind.Instance or ProcessKind.Nginx) _ = RestartAfterCrashAsync(process, child);
    }

    private async Task RestartAfterCrashAsync(SupervisedProcess process, ChildProcess crashed)
    {
        var delay = RestartBackoff[Math.Min(process.Restarts, RestartBackoff.Length - 1)];
        lock (_stateGate) process.Status = ProcessStatus.Restarting;
        try
        {
            await Task.Delay(delay, _stopped.Token).ConfigureAwait(false);
            await _gate.WaitAsync(_stopped.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopped.IsCancellationRequested)
        {
            return; // stopped meanwhile: nothing to restart
        }
        try
        {
            if (_stopping || !ReferenceEquals(process.Child, crashed)) return;
            process.Restarts++;
            _logs.Event($"Restarting {process.Name} after a crash (restart {process.Restarts})", "WARN");
            await SpawnAsync(process, _stopped.Token).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
            SaveState();
        }
    }

    private async Task<string?> WaitForGatewayAsync(SupervisedProcess nginx, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var address = NginxSettings.ClientAddress(_plan.GatewayAddress);
        while (DateTime.UtcNow < deadline)
        {
            if (nginx.Child!.HasExited)
                return $"nginx exited at start ({nginx.LastExit}); see {_store.Paths.NginxErrorLog}";
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(address, _plan.GatewayPort, cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (SocketException)
            {
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }
        }
        return $"nginx did not open {address}:{_plan.GatewayPort} within 10 s";
    }

    /// <summary>nginx writes its error log itself; its lines join the unified log too, prefixed "nginx".</summary>
    private void FollowNginxErrorLog()
    {
        if (_followingNginxLog) return;
        _followingNginxLog = true;
        var tail = new LogTail(_store.Paths.NginxErrorLog, line => _logs.WriteUnified("nginx", line));
        _ = tail.RunAsync(0, follow: true, _stopped.Token);
    }

    internal void SaveState()
    {
        lock (_stateGate)
        {
            if (_cleared) return; // a late exit callback must not bring back what Stop removed
            _store.Save(Snapshot());
        }
    }

    public void Dispose()
    {
        StopWatching();
        _reloads.Dispose();
        _gate.Dispose();
        _stopped.Dispose();
    }
}
