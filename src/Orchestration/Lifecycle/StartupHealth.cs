using Orchestration.Config;
using Orchestration.Health;
using Orchestration.IO;
using Orchestration.Logs;
using Orchestration.Processes;
using Orchestration.State;
using Orchestration.Supervision;

namespace Orchestration.Lifecycle;

/// <summary>
/// WaitHealthy and the gateway check of StartNginx: every module of every instance answers, then
/// every module answers through the gateway. A process that exits meanwhile ends the wait at once,
/// with the last lines of its log.
/// </summary>
public sealed class StartupHealth(DeploymentConfig config, ControlClient supervisor)
{
    private const int LogLines = 20;

    /// <returns>How many instances are healthy.</returns>
    /// <exception cref="RefusedException">An instance exited, could not start, or stayed unhealthy.</exception>
    public async Task<int> WaitInstancesAsync(CancellationToken cancellationToken)
    {
        var state = await supervisor.StatusAsync(cancellationToken).ConfigureAwait(false) ?? throw new RefusedException("The supervisor stopped answering");
        using var probe = new HealthProbe();
        var targets = state.Processes.Select(p => HealthTarget.Instance(p.Name, p.Pid, p.Port, config.ApiBaseUrl, p.Modules,
            () => ProcInfo.IsRunning(p.Pid) ? null : p.Pid == 0 ? $"{p.Name} could not be started" : $"{p.Name} (pid {p.Pid}) exited during the health wait",
            listensItself: config.Servers.FirstOrDefault(s => s.Name == p.Server)?.IsDotNetProject == true));
        var failures = await new HealthWaiter(probe, config.Health).WaitAllAsync(targets, cancellationToken).ConfigureAwait(false);
        if (failures.Count == 0) return state.Processes.Count;

        // The supervisor records an exit once it has written the process's last lines: wait for that.
        foreach (var name in failures.Where(f => f.ProcessExited).Select(f => f.Name))
            await WaitExitRecordedAsync(name, cancellationToken).ConfigureAwait(false);
        throw new RefusedException(string.Join("\n", failures.Select(f =>
            $"{f.Reason}\n  last lines of {config.Paths.LogFor(f.Name)}:\n    " +
            string.Join("\n    ", LogFiles.LastLines(config.Paths.LogFor(f.Name), LogLines)))));
    }

    /// <exception cref="RefusedException">Some module does not answer through the gateway.</exception>
    public async Task CheckGatewayAsync(CancellationToken cancellationToken)
    {
        using var probe = new HealthProbe(config.Nginx.Tls?.Certificate);
        var modules = config.Servers.SelectMany(s => s.Modules).Distinct().ToList();
        var target = new HealthTarget("gateway", modules.Select(m => HealthUrls.For(config.Nginx.Url, config.ApiBaseUrl, m)).ToList(), () => null);
        var failures = await new HealthWaiter(probe, config.Health with { Attempts = 10, IntervalSeconds = 0.5 }).WaitAllAsync([target], cancellationToken).ConfigureAwait(false);
        if (failures.Count > 0) throw new RefusedException("The gateway does not route every module: " + failures[0].Reason);
    }

    /// <summary>Gives the supervisor up to a second to record a crashed instance's exit, so the report shows it.</summary>
    private Task<bool> WaitExitRecordedAsync(string name, CancellationToken cancellationToken) =>
        Poll.UntilAsync(async () =>
        {
            var state = await supervisor.StatusAsync(cancellationToken).ConfigureAwait(false);
            return state?.Processes.FirstOrDefault(p => p.Name == name) is not { Status: ProcessStatus.Starting or ProcessStatus.Running };
        }, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(20), cancellationToken);
}
