using Orchestration.Logs;
using Orchestration.Processes;
using Orchestration.State;

namespace Orchestration.Supervision;

/// <summary>
/// The parent of every instance and of nginx for one deployment: an aggregate of single-purpose
/// parts over one shared runtime state (<see cref="SupervisorContext"/>). The
/// <see cref="ProcessRunner"/> spawns, sees exits and restarts crashes; the <see cref="NginxRunner"/>
/// runs the gateway; the <see cref="InstanceReplacer"/> swaps an instance without a failed request,
/// the <see cref="RollingRestart"/> does it for instances in turn, and the <see cref="PlanApplier"/>
/// brings the stack to a new plan (Apply, Scale, rolling Restart) with them;
/// the <see cref="WatchReloader"/> rebuilds and replaces on a code change. The aggregate starts them
/// in order and stops them in reverse, and it alone writes <c>state.json</c>.
/// </summary>
public sealed partial class Supervisor : IDisposable
{
    private readonly SupervisorContext _context;
    private readonly ProcessRunner _runner;
    private readonly NginxRunner _nginx;
    private readonly WatchReloader _watch;
    private readonly PlanApplier _applier;
    private readonly InstanceReplacer _replacer;
    private readonly ProcessRecord _self;
    private readonly DateTimeOffset _startedAt;
    private bool _cleared;

    /// <param name="handOver">Set when this program took the supervisor's process over from its previous program (<see cref="TakeOver"/> follows).</param>
    public Supervisor(SupervisorPlan plan, LogRouter logs, HandOver? handOver = null)
    {
        _startedAt = handOver?.SupervisorStartedAt ?? DateTimeOffset.Now;
        _context = new SupervisorContext(plan, logs);
        _context.SaveState = SaveState;
        _runner = new ProcessRunner(_context);
        _nginx = new NginxRunner(_context, _runner);
        _replacer = new InstanceReplacer(_context, _runner);
        _watch = new WatchReloader(_context, _replacer);
        _applier = new PlanApplier(_context, _runner, _replacer, new RollingRestart(_context, _replacer), _nginx);
        var me = ProcInfo.Read(Environment.ProcessId)!;
        _self = new ProcessRecord
        {
            Name = "supervisor", Kind = ProcessKind.Supervisor, Pid = me.Pid, ProcessGroup = me.ProcessGroup,
            StartTicks = me.StartTicks, Argv = me.Argv, Executable = me.Executable, Status = ProcessStatus.Running, StartedAt = _startedAt,
            Log = Path.Combine(_context.Paths.Logs, "supervisor.log"),
        };
        RecordProgram();
        if (handOver is not null)
        {
            AddHandedOver(handOver);
            return;
        }
        foreach (var instance in plan.Instances)
        {
            _context.Processes.Add(new SupervisedProcess(instance.Process, ProcessKind.Instance, instance.Server, instance.Port, instance.Modules, _context.NewCrashPolicy())
            {
                ArgvTemplate = instance.ArgvTemplate, SparePort = instance.SparePort, SocketHandOff = instance.SocketHandOff,
            });
        }
    }

    /// <summary>Cancelled once everything has been stopped and the supervisor may exit.</summary>
    public CancellationToken Stopped => _context.Stopped;

    public Config.LocalPaths Paths => _context.Paths;

    private LogRouter Logs => _context.Logs;

    public DeploymentState Snapshot()
    {
        lock (_context.StateGate)
        {
            foreach (var p in _context.Processes) p.RefreshIdentity();
            return new DeploymentState
            {
                Supervisor = _self,
                SupervisorProgram = _program,
                ConfigPath = _context.Plan.ConfigPath,
                ConfigHash = _context.Plan.ConfigHash,
                StartedAt = _startedAt,
                Processes = _context.Processes.Select(p => p.ToRecord(_context.Paths.LogFor(p.Name))).ToList(),
                Watch = _watch.Records(),
                Operation = _operation,
            };
        }
    }

    /// <summary>Spawns every instance at once; health is the caller's to wait for.</summary>
    public Task StartInstancesAsync(CancellationToken cancellationToken) => UnderGateAsync(async () =>
    {
        List<SupervisedProcess> instances;
        lock (_context.StateGate) instances = _context.Processes.Where(p => p.Kind == ProcessKind.Instance).ToList();
        await Task.WhenAll(instances.Select(p => _runner.SpawnAsync(p, cancellationToken))).ConfigureAwait(false);
        return 0;
    }, cancellationToken);

    /// <summary>Starts nginx in the foreground under us and waits until the gateway accepts connections.</summary>
    public Task<string?> StartNginxAsync(CancellationToken cancellationToken) => UnderGateAsync(() => _nginx.StartAsync(cancellationToken), cancellationToken);

    /// <summary>Graceful nginx reload onto the newest config: the caller has already proved it with nginx -t.</summary>
    public Task<string?> ReloadNginxAsync(CancellationToken cancellationToken) => UnderGateAsync(() => _nginx.ReloadAsync(cancellationToken), cancellationToken);

    /// <summary>Called by Start once the stack is healthy: from now on a crashed instance or nginx is restarted.</summary>
    public void MarkStarted()
    {
        if (!_context.EnableAutoRestart()) return;
        Logs.Event("Stack started; crashed instances will be restarted");
        SaveState(); // every instance answers now: what each one runs after its exec is on record
        if (_context.Plan.Watch.Count > 0) _watch.Start();
    }

    /// <summary>Runs <paramref name="change"/> as the one change to the processes at a time, then saves the state.</summary>
    private async Task<T> UnderGateAsync<T>(Func<Task<T>> change, CancellationToken cancellationToken)
    {
        await _context.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await change().ConfigureAwait(false);
        }
        finally
        {
            _context.Gate.Release();
            SaveState();
        }
    }

    internal void SaveState()
    {
        lock (_context.StateGate)
        {
            if (_cleared) return; // a late exit callback must not bring back what Stop removed
            _context.Store.Save(Snapshot());
        }
    }

    public void Dispose()
    {
        _watch.Dispose();
        DisposeMetrics();
        _dashboard?.Dispose();
        _context.Dispose();
    }
}
