using System.Globalization;
using Orchestration.Metrics;
using Orchestration.State;

namespace Orchestration.Supervision;

/// <summary>
/// The metrics reader part: the gateway's access log followed into per-instance and per-module
/// rolling windows (<see cref="GatewayMetrics"/>), answered on the control socket as <c>metrics</c>.
/// </summary>
public sealed partial class Supervisor
{
    private readonly GatewayMetrics _metrics = new();
    private readonly CpuSampler _cpu = new();
    private AccessLogFollower? _accessLog;
    private Timer? _cpuTimer;
    private Dictionary<int, string> _instanceByPort = [];
    private HashSet<string> _modules = [];
    private long _portsReadAt;

    /// <summary>Starts following the gateway's access log from its current end.</summary>
    public void StartMetrics()
    {
        RefreshPorts();
        _accessLog = new AccessLogFollower(_context.Paths.NginxAccessLog, line =>
        {
            if (Environment.TickCount64 - _portsReadAt > 1000) RefreshPorts();
            _metrics.Record(line, InstanceAt, _modules, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
        });
        _accessLog.Start();
        _cpuTimer = new Timer(_ => _cpu.Sample(RunningPids().Select(p => p.Pid).ToList()), null, TimeSpan.Zero, TimeSpan.FromSeconds(2));
    }

    private void DisposeMetrics()
    {
        _cpuTimer?.Dispose();
        _accessLog?.Dispose();
    }

    private List<(string Name, int Pid)> RunningPids()
    {
        List<(string Name, int Pid)> processes;
        lock (_context.StateGate)
        {
            processes = _context.Processes.Where(p => p.Status == ProcessStatus.Running && (p.Identity?.Pid ?? p.Child?.Pid) > 0)
                .Select(p => (p.Name, p.Identity?.Pid ?? p.Child!.Pid)).ToList();
        }
        processes.Add(("supervisor", Environment.ProcessId));
        return processes;
    }

    /// <summary>The window's figures per instance and module, and the CPU of every process of the stack.</summary>
    public Task<MetricsReport> MetricsAsync(CancellationToken cancellationToken)
    {
        var processes = RunningPids();
        lock (_context.StateGate) _metrics.Forget(_context.Processes.Select(p => p.Name));
        var cpu = _cpu.Percent();
        RefreshPorts();
        var sockets = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (port, count) in OpenWebSockets.ByPort())
        {
            if (_instanceByPort.GetValueOrDefault(port) is { } name) sockets[name] = sockets.GetValueOrDefault(name) + count;
        }
        var report = _metrics.Report(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0, sockets);
        return Task.FromResult(report with
        {
            CpuPercent = processes.Where(p => cpu.ContainsKey(p.Pid)).ToDictionary(p => p.Name, p => cpu[p.Pid]),
            ReaderCpuSeconds = _accessLog?.CpuSeconds ?? 0,
        });
    }

    /// <summary>Which instance answers on which port now: its own, or its spare while it is being replaced.</summary>
    private void RefreshPorts()
    {
        var map = new Dictionary<int, string>();
        HashSet<string> modules;
        lock (_context.StateGate)
        {
            foreach (var p in _context.Processes.Where(p => p.Kind == ProcessKind.Instance))
            {
                map.TryAdd(p.Port, p.Name);
                if (p.SparePort > 0) map.TryAdd(p.SparePort, p.Name);
                map.TryAdd(p.ConfiguredPort, p.Name);
            }
            modules = _context.Plan.Instances.SelectMany(i => i.Modules).ToHashSet(StringComparer.Ordinal);
        }
        _instanceByPort = map;
        _modules = modules;
        _portsReadAt = Environment.TickCount64;
    }

    private string? InstanceAt(string address)
    {
        var colon = address.LastIndexOf(':');
        return colon >= 0 && int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? _instanceByPort.GetValueOrDefault(port)
            : null;
    }
}
