using Orchestration.State;

namespace Orchestration.Supervision;

/// <summary>The live operations: one at a time under the gate, each on record (Status shows the one in progress and the last outcome).</summary>
public sealed partial class Supervisor
{
    private OperationRecord? _operation;

    /// <summary>Stops one instance and starts it again (same port), counting a restart; its crash history starts over.</summary>
    public Task<string?> RestartInstanceAsync(string name, TimeSpan timeout, CancellationToken cancellationToken) => OperationAsync("restart", name, async () =>
    {
        SupervisedProcess? process;
        lock (_context.StateGate) process = _context.Processes.FirstOrDefault(p => p.Name == name && p.Kind == ProcessKind.Instance);
        if (process is null)
            return $"No instance named '{name}'. Instances: {string.Join(", ", _context.Processes.Where(p => p.Kind == ProcessKind.Instance).Select(p => p.Name))}";
        await ProcessRunner.StopProcessAsync(process, timeout, cancellationToken).ConfigureAwait(false);
        process.Restarts++;
        process.Crashes.Reset();
        await _runner.SpawnAsync(process, cancellationToken).ConfigureAwait(false);
        return null;
    }, cancellationToken);

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
        if (!PlanApplier.JsonEquals(was.Watch, next.Watch)) _watch.Rewatch();
    }

    /// <summary>Runs one live operation under the gate, recording when it began, when it ended and how.</summary>
    private Task<string?> OperationAsync(string name, string detail, Func<Task<string?>> operation, CancellationToken cancellationToken) => UnderGateAsync(async () =>
    {
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
