using Orchestration.Processes;
using Orchestration.State;

namespace Orchestration.Supervision;

/// <summary>
/// Restart without a failed request: each instance in turn is replaced by the
/// <see cref="InstanceReplacer"/> (with its own listening socket handed over, health-gated, the old
/// one drained; or, for a server without <c>socket_handoff</c>, onto its spare port and then back to
/// its configured port the same way). Servers roll in parallel, the instances of one server one
/// at a time, so a server never has fewer healthy instances than it had. The first replacement that
/// fails its health check stops that server's rollout; the old instance keeps serving.
/// </summary>
internal sealed class RollingRestart(SupervisorContext context, InstanceReplacer replacer)
{
    /// <param name="next">Instance name → what its replacement runs (a new build, a new env, new modules); others keep theirs.</param>
    /// <returns>Null when every instance was replaced; otherwise what failed, with the instance's last log lines.</returns>
    public async Task<string?> RunAsync(IReadOnlyList<string> names, IReadOnlyDictionary<string, InstancePlan> next, CancellationToken cancellationToken)
    {
        List<SupervisedProcess> targets;
        lock (context.StateGate) targets = context.Processes.Where(p => p.Kind == ProcessKind.Instance && names.Contains(p.Name)).ToList();
        // A detached instance is the developer's: Attach starts it from the running plan, changes included.
        foreach (var detached in targets.Where(p => p.Detached)) context.Logs.Event($"{detached.Name} is detached: not replaced (Attach runs the new version)");
        targets.RemoveAll(p => p.Detached);
        if (targets.Count == 0) return null;
        if (targets.FirstOrDefault(p => p.SparePort == 0) is { } noSpare)
            return $"{noSpare.Name} has no spare port to start its replacement on (the stack was started by an older version); run ./build.sh Restart --all-at-once once";
        context.Logs.Event($"Rolling restart of {string.Join(", ", targets.Select(p => p.Name))}");
        var failures = await Task.WhenAll(targets.GroupBy(p => p.Server).Select(server => RollAsync(server.ToList(), next, cancellationToken))).ConfigureAwait(false);
        var failed = failures.OfType<string>().ToList();
        context.Logs.Event(failed.Count == 0 ? "Rolling restart done" : "Rolling restart stopped: " + string.Join("; ", failed.Select(f => f.Split('\n')[0])), failed.Count == 0 ? "INFO" : "ERROR");
        return failed.Count == 0 ? null : string.Join("\n", failed);
    }

    private async Task<string?> RollAsync(IReadOnlyList<SupervisedProcess> instances, IReadOnlyDictionary<string, InstancePlan> next, CancellationToken cancellationToken)
    {
        foreach (var process in instances)
        {
            var shape = next.GetValueOrDefault(process.Name);
            var failure = await replacer.RenewAsync(process, shape?.Process ?? process.Spec, cancellationToken, shape).ConfigureAwait(false);
            if (failure is not null) return context.WithLastLines(process.Name, $"its replacement failed: {failure}; the old instance keeps serving");
            if (process.Port != process.ConfiguredPort)
            {
                failure = await replacer.ReplaceAsync(process, process.Spec, process.ConfiguredPort, cancellationToken).ConfigureAwait(false);
                if (failure is not null) return context.WithLastLines(process.Name, $"the new code serves on port {process.Port}, but it could not move back to {process.ConfiguredPort}: {failure}");
            }
            lock (context.StateGate) process.Restarts++;
            process.Crashes.Reset();
            context.SaveState();
        }
        return null;
    }
}
