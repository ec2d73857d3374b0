using Orchestration.Processes;
using Orchestration.State;

namespace Orchestration.Supervision;

/// <summary>The live operations: one at a time under the gate, each on record (Status shows the one in progress and the last outcome).</summary>
public sealed partial class Supervisor
{
    private OperationRecord? _operation;

    /// <summary>Stops one instance and starts it again (same port), counting a restart; its crash history starts over.</summary>
    public Task<string?> RestartInstanceAsync(string name, TimeSpan timeout, CancellationToken cancellationToken) => OperationAsync("restart", name, async () =>
    {
        if (FindInstance(name) is not { } process) return UnknownInstance(name);
        if (process.Detached) return $"{name} is detached (the developer runs it); ./build.sh Attach hands it back";
        await ProcessRunner.StopProcessAsync(process, timeout, cancellationToken).ConfigureAwait(false);
        process.Restarts++;
        process.Crashes.Reset();
        await _runner.SpawnAsync(process, cancellationToken).ConfigureAwait(false);
        return null;
    }, cancellationToken);

    /// <summary>Stops an instance (drained, as Stop does) and leaves its port in the gateway: the developer runs it now.</summary>
    public Task<string?> DetachAsync(string name, CancellationToken cancellationToken) => OperationAsync("detach", name, async () =>
    {
        if (FindInstance(name) is not { } process) return UnknownInstance(name);
        if (process.Detached) return $"{name} is detached already; ./build.sh Attach hands it back";
        lock (_context.StateGate) process.Detached = true;
        await ProcessRunner.StopProcessAsync(process, TimeSpan.FromSeconds(_context.Plan.StopTimeoutSeconds), cancellationToken).ConfigureAwait(false);
        lock (_context.StateGate) process.Port = process.ConfiguredPort;
        Logs.Event($"{name} detached: its port {process.ConfiguredPort} stays in the gateway for the developer's own process");
        return null;
    }, cancellationToken);

    /// <summary>
    /// Runs a detached instance under the supervisor again, as the running plan says (changes applied
    /// meanwhile included): on its port when the developer's process has let it go, else on its spare
    /// (nginx's backup for it), health-gated either way.
    /// </summary>
    public Task<string?> AttachAsync(string name, CancellationToken cancellationToken) => OperationAsync("attach", name, async () =>
    {
        if (FindInstance(name) is not { } process) return UnknownInstance(name);
        if (!process.Detached) return $"{name} is not detached; nothing to attach";
        var plan = _context.Plan.Instances.FirstOrDefault(i => i.Process.Name == name);
        var port = PortProbe.IsFree(process.ConfiguredPort) ? process.ConfiguredPort : process.SparePort;
        if (port == 0 || !PortProbe.IsFree(port))
            return $"port {process.ConfiguredPort} of {name} is still taken (your own process?) and it has no free spare port; stop that process, then Attach again";
        var failure = await _replacer.ReplaceAsync(process, plan?.Process ?? process.Spec, port, cancellationToken, plan).ConfigureAwait(false);
        if (failure is not null) return _context.WithLastLines(name, $"could not be attached: {failure}; it stays detached");
        lock (_context.StateGate) process.Detached = false;
        process.Crashes.Reset();
        return null;
    }, cancellationToken);

    private SupervisedProcess? FindInstance(string name)
    {
        lock (_context.StateGate) return _context.Processes.FirstOrDefault(p => p.Name == name && p.Kind == ProcessKind.Instance);
    }

    private string UnknownInstance(string name)
    {
        lock (_context.StateGate)
            return $"No instance named '{name}'. Instances: {string.Join(", ", _context.Processes.Where(p => p.Kind == ProcessKind.Instance).Select(p => p.Name))}";
    }

    /// <summary>
    /// Brings the stack to <paramref name="next"/> with no failed request (see <see cref="PlanApplier"/>);
    /// <paramref name="replaceAnyway"/> are replaced rolling even when unchanged (a rolling Restart).
    /// </summary>
    public Task<string?> ApplyAsync(SupervisorPlan next, IReadOnlyCollection<string> replaceAnyway, string operation, CancellationToken cancellationToken) =>
        OperationAsync(operation, $"{next.Instances.Count} instances from {Path.GetFileName(next.ConfigPath)}", () =>
            _applier.ApplyAsync(next, replaceAnyway, was => OnPlanChanged(was, next), cancellationToken), cancellationToken);

    /// <summary>The new plan is the running one: on disk for the next Apply, and watched as it says.</summary>
    private void OnPlanChanged(SupervisorPlan was, SupervisorPlan next)
    {
        next.Save(_context.Paths.Plan);
        if (!PlanChanges.Same(was.Watch, next.Watch)) _watch.Rewatch();
    }

    /// <summary>Runs one live operation under the gate, recording when it began, when it ended and how.</summary>
    private Task<string?> OperationAsync(string name, string detail, Func<Task<string?>> operation, CancellationToken cancellationToken) => UnderGateAsync(async () =>
    {
        // A stop that came first has ended everything: an operation queued behind it must not start processes nobody stops.
        if (_context.Stopping) return $"{name}: the stack is stopping";
        lock (_context.StateGate) _operation = new OperationRecord { Name = name, Detail = detail, StartedAt = DateTimeOffset.Now };
        SaveState();
        string? error;
        try
        {
            error = await operation().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            error = ex.Message;
            Finish(error);
            throw;
        }
        Finish(error);
        return error;
    }, cancellationToken);

    private void Finish(string? error)
    {
        lock (_context.StateGate) _operation = _operation! with { FinishedAt = DateTimeOffset.Now, Error = error };
        Logs.Event($"{_operation.Name} {(error is null ? "done" : "failed")} in {(_operation.FinishedAt!.Value - _operation.StartedAt).TotalSeconds:0.00} s", error is null ? "INFO" : "ERROR");
    }
}
