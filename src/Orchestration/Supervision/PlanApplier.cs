using Orchestration.State;

namespace Orchestration.Supervision;

/// <summary>
/// Apply (and Scale, and a rolling Restart): turns the running stack into the next plan with no
/// failed request, in the one order that keeps every request routed to a healthy instance:
/// new instances start beside the running ones and must answer healthy before anything else
/// happens; changed instances are replaced in turn by the <see cref="RollingRestart"/>; the plan
/// becomes the running one and nginx reloads onto the new set of upstreams; only then do removed
/// instances drain (SIGTERM: in-flight requests finish, WebSockets close with 1001) and stop.
/// A failure before the reload leaves the gateway, and what it routes to, as it was.
/// </summary>
internal sealed class PlanApplier(SupervisorContext context, ProcessRunner runner, InstanceReplacer replacer, RollingRestart rolling, NginxRunner nginx)
{
    /// <returns>Null when the stack runs <paramref name="next"/>; otherwise what stopped the change.</returns>
    public async Task<string?> ApplyAsync(SupervisorPlan next, IReadOnlyCollection<string> replaceAnyway, Action<SupervisorPlan> onPlanChanged, CancellationToken cancellationToken)
    {
        var running = context.Plan;
        var changes = PlanChanges.Between(running, next, replaceAnyway);
        if (changes.Refused.Count > 0) return "Cannot apply live:\n  " + string.Join("\n  ", changes.Refused);
        foreach (var line in changes.Describe(running, next)) context.Logs.Event("Apply: " + line);
        // How an instance is replaced is not a change to the instance: it holds from this Apply's own replacements on.
        var handOff = next.Instances.ToDictionary(i => i.Process.Name, i => i.SocketHandOff);
        lock (context.StateGate)
        {
            foreach (var p in context.Processes) p.SocketHandOff = handOff.GetValueOrDefault(p.Name, p.SocketHandOff);
        }

        var added = await StartAddedAsync(changes.Added, next, cancellationToken).ConfigureAwait(false);
        if (added.Error is not null) return added.Error;
        if (changes.Replaced.Count > 0)
        {
            var failure = await rolling.RunAsync(changes.Replaced.Select(r => r.Name).ToList(), next.Instances.ToDictionary(i => i.Process.Name), cancellationToken)
                .ConfigureAwait(false);
            if (failure is not null)
            {
                await DrainAsync(added.Started, "the change stopped", cancellationToken).ConfigureAwait(false);
                return failure;
            }
        }

        context.Plan = next;
        if (!PlanChanges.Same(running.Restart, next.Restart))
        {
            lock (context.StateGate)
            {
                foreach (var p in context.Processes) p.Crashes = context.NewCrashPolicy();
            }
        }
        onPlanChanged(running);
        var reload = await nginx.ReloadIfChangedAsync(cancellationToken).ConfigureAwait(false);
        if (reload is not null) return $"the instances run the new config, but the gateway did not reload: {reload}";

        List<SupervisedProcess> removed;
        lock (context.StateGate) removed = context.Processes.Where(p => changes.Removed.Contains(p.Name)).ToList();
        await DrainAsync(removed, "removed from the config", cancellationToken).ConfigureAwait(false);
        return null;
    }

    private sealed record NewInstances(IReadOnlyList<SupervisedProcess> Started, string? Error);

    /// <summary>Starts every new instance at once on its port (nginx does not route to it yet) and waits until all are healthy.</summary>
    private async Task<NewInstances> StartAddedAsync(IReadOnlyList<InstancePlan> plans, SupervisorPlan next, CancellationToken cancellationToken)
    {
        if (plans.Count == 0) return new NewInstances([], null);
        var started = plans.Select(i => new SupervisedProcess(i.Process, ProcessKind.Instance, i.Server, i.Port, i.Modules, context.NewCrashPolicy())
        {
            ArgvTemplate = i.ArgvTemplate, SparePort = i.SparePort, SocketHandOff = i.SocketHandOff,
        }).ToList();
        lock (context.StateGate)
        {
            // Instances in the config's order, then nginx: Status lists them as the config does.
            var order = next.Instances.Select((i, index) => (i.Process.Name, index)).ToDictionary(x => x.Name, x => x.index);
            var all = context.Processes.Concat(started)
                .OrderBy(p => p.Kind == ProcessKind.Nginx ? int.MaxValue : order.GetValueOrDefault(p.Name, int.MaxValue - 1)).ToList();
            context.Processes.Clear();
            context.Processes.AddRange(all);
        }
        await Task.WhenAll(started.Select(p => runner.SpawnAsync(p, cancellationToken))).ConfigureAwait(false);
        context.SaveState();
        var failures = await Task.WhenAll(started.Select(async p => (p.Name, Error: p.Child is { } child
            ? await replacer.WaitHealthyAsync(p.Name, p.Modules, child, p.Port, p.ArgvTemplate is null, cancellationToken).ConfigureAwait(false)
            : "it could not be started"))).ConfigureAwait(false);
        if (failures.FirstOrDefault(f => f.Error is not null) is not { Error: { } error } failed) return new NewInstances(started, null);
        await DrainAsync(started, "a new instance failed its health check", cancellationToken).ConfigureAwait(false);
        context.Logs.Flush();
        return new NewInstances([], context.WithLastLines(failed.Name, $"the new instance failed its health check ({error}); nothing else was changed"));
    }

    /// <summary>Stops instances nginx no longer routes to (graceful, then forced after stop_timeout) and forgets them.</summary>
    private async Task DrainAsync(IReadOnlyList<SupervisedProcess> instances, string why, CancellationToken cancellationToken)
    {
        if (instances.Count == 0) return;
        context.Logs.Event($"Draining {string.Join(", ", instances.Select(p => p.Name))} ({why})");
        await Task.WhenAll(instances.Select(p => ProcessRunner.StopProcessAsync(p, TimeSpan.FromSeconds(context.Plan.StopTimeoutSeconds), cancellationToken))).ConfigureAwait(false);
        lock (context.StateGate) context.Processes.RemoveAll(instances.Contains);
        context.SaveState();
    }
}
