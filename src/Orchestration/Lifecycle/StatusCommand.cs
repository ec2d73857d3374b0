using System.Text.Json.Serialization;
using Orchestration.Config;
using Orchestration.IO;
using Orchestration.Health;
using Orchestration.Processes;
using Orchestration.State;

namespace Orchestration.Lifecycle;

[JsonConverter(typeof(SnakeCaseEnum<StackHealth>))]
public enum StackHealth
{
    Running = 0,
    Degraded = 1,
    Stopped = 3,
}

public sealed record ModuleHealth(string Module, bool Healthy, double LatencyMs, string? Error);

public sealed record ProcessRow(
    string Name, ProcessKind Kind, int Pid, int Port, string State, IReadOnlyList<ModuleHealth> Modules,
    double UptimeSeconds, int Restarts, long RssKb, string? Log)
{
    /// <summary>How it last ended, for a process that is down ("exit code 7", "killed by SIGKILL").</summary>
    public string? LastExit { get; init; }

    /// <summary>The last lines of its log, for a process that is down: what it said before it ended.</summary>
    public IReadOnlyList<string> LastLines { get; init; } = [];

    /// <summary>What the gateway saw of this instance over the supervisor's window (null for nginx and the supervisor, or when the supervisor does not answer).</summary>
    public Metrics.TrafficFigures? Traffic { get; init; }

    /// <summary>CPU use, percent of one core, over the supervisor's last sample.</summary>
    public double? CpuPercent { get; init; }
}

public sealed record StatusReport(StackHealth Overall, string GatewayUrl, ModuleHealth? Gateway, IReadOnlyList<ProcessRow> Processes, IReadOnlyList<WatchRecord> Watch)
{
    /// <summary>0 running and healthy, 1 degraded (something down or unhealthy), 3 stopped.</summary>
    public int ExitCode => (int)Overall;

    /// <summary>A live operation in progress (Apply, Scale, a rolling Restart), or the last one's outcome.</summary>
    public OperationRecord? Operation { get; init; }

    /// <summary>The build of the tool the supervisor runs, and its last replacement in place.</summary>
    public SupervisorProgramRecord? SupervisorProgram { get; init; }
    /// <summary>What the gateway saw per module (all instances of all servers that serve it).</summary>
    public IReadOnlyDictionary<string, Metrics.TrafficFigures>? Modules { get; init; }
}

/// <summary>Status: what runs, proven ours, and whether every module answers, directly and through the gateway.</summary>
public sealed class StatusCommand(DeploymentConfig config)
{
    public async Task<StatusReport> RunAsync(CancellationToken cancellationToken)
    {
        var stack = await RunningStack.ReadAsync(config.Paths, cancellationToken).ConfigureAwait(false);
        var gatewayUrl = config.Nginx.Url;
        if (stack.IsEmpty || stack.State is null)
            return new StatusReport(StackHealth.Stopped, gatewayUrl, null, [], []);

        var metrics = stack.SupervisorAlive ? MetricsAsync(cancellationToken) : Task.FromResult<Metrics.MetricsReport?>(null);
        using var probe = new HealthProbe(config.Nginx.Tls?.Certificate);
        var timeout = TimeSpan.FromSeconds(config.Health.TimeoutSeconds);
        var now = DateTimeOffset.Now;
        var rows = await Task.WhenAll(stack.State.Processes.Select(async p =>
        {
            var info = p.Identity.FindAlive();
            var detached = p.Status == ProcessStatus.Detached;
            var modules = (info is null && !detached) || p.Kind != ProcessKind.Instance
                ? []
                : await Task.WhenAll(p.Modules.Select(m => ProbeModuleAsync(probe, $"http://127.0.0.1:{p.Port}", m, timeout, cancellationToken))).ConfigureAwait(false);
            var state = detached ? "detached" : info is null
                ? p.Status switch { ProcessStatus.Restarting => "restarting", ProcessStatus.Errored => "errored", _ => "exited" }
                : p.Status.ToString().ToLowerInvariant();
            var down = state is "errored" or "exited";
            return new ProcessRow(p.Name, p.Kind, p.Pid, p.Port, state, modules,
                info is null ? 0 : (now - p.StartedAt).TotalSeconds, p.Restarts, info?.RssKb ?? 0, p.Log)
            {
                LastExit = down && p.ExitCode is { } code ? new ChildExit(code, p.ExitedAt ?? now).ToString() : null,
                LastLines = down && p.Log is { } log ? Logs.LogFiles.LastLines(log, 10) : [],
            };
        })).ConfigureAwait(false);

        ModuleHealth? gateway = null;
        if (rows.Any(r => r.Kind == ProcessKind.Nginx && r.Pid > 0 && r.State != "exited"))
            gateway = await ProbeModuleAsync(probe, gatewayUrl, ModuleNames.Core, timeout, cancellationToken).ConfigureAwait(false);

        var supervisorRow = new ProcessRow("supervisor", ProcessKind.Supervisor, stack.State.Supervisor.Pid, 0,
            stack.SupervisorAlive ? "running" : "gone", [], stack.SupervisorAlive ? (now - stack.State.Supervisor.StartedAt).TotalSeconds : 0,
            0, ProcInfo.Read(stack.State.Supervisor.Pid)?.RssKb ?? 0, stack.State.Supervisor.Log);

        var figures = await metrics.ConfigureAwait(false);
        var allRows = rows.Prepend(supervisorRow).Select(r => figures is null ? r : r with
        {
            Traffic = r.Kind == ProcessKind.Instance ? figures.Instances.GetValueOrDefault(r.Name) ?? new Metrics.TrafficFigures() : null,
            CpuPercent = figures.CpuPercent.TryGetValue(r.Name, out var cpu) ? cpu : null,
        }).ToList();
        var expected = config.Instances.Count() + 1;
        var healthy = stack.SupervisorAlive
            && rows.Count(r => r.State is "running" or "detached" && r.Modules.All(m => m.Healthy)) == expected
            && gateway is { Healthy: true };
        var overall = healthy ? StackHealth.Running : rows.All(r => r.State is "exited" or "stopped") && !stack.SupervisorAlive ? StackHealth.Stopped : StackHealth.Degraded;
        return new StatusReport(overall, gatewayUrl, gateway, allRows, stack.State.Watch) { Operation = stack.State.Operation, Modules = figures?.Modules, SupervisorProgram = stack.State.SupervisorProgram };
    }

    /// <summary>The supervisor's figures; null when it does not answer in time (Status still reports the rest).</summary>
    private async Task<Metrics.MetricsReport?> MetricsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var answer = await new Supervision.ControlClient(config.Paths.ControlSocket)
                .SendAsync(new Supervision.ControlRequest(Supervision.ControlCommands.Metrics), TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
            return answer?.Metrics;
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or System.Net.Sockets.SocketException)
        {
            return null;
        }
    }

    private async Task<ModuleHealth> ProbeModuleAsync(HealthProbe probe, string baseUrl, string module, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var result = await probe.ProbeAsync(HealthUrls.For(baseUrl, config.ApiBaseUrl, module), timeout, cancellationToken).ConfigureAwait(false);
        return new ModuleHealth(module, result.Healthy, Math.Round(result.Latency.TotalMilliseconds, 1), result.Error);
    }
}
