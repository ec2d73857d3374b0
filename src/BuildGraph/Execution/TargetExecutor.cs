using System.Diagnostics;
using BuildGraph.Planning;
using Serilog;
using Serilog.Context;

namespace BuildGraph.Execution;

/// <summary>
/// Runs a plan with NUKE's failure semantics: a failure stops the build (the rest is NotRun) unless the
/// failed target proceeds after failure, in which case only the targets depending on it are NotRun.
/// AssuredAfterFailure targets run even after a failure or a cancellation. Cancelling <c>cancel</c>
/// aborts the running target; cancelling <c>cancelAssured</c> also aborts the assured ones.
/// </summary>
internal sealed class TargetExecutor(ExecutionPlan plan)
{
    private readonly List<TargetRun> _runs = plan.Targets
        .Select(p => new TargetRun(p.Node, p.Invoked) { Status = p.SkipReason is null ? ExecutionStatus.Scheduled : ExecutionStatus.Skipped, Reason = p.SkipReason })
        .ToList();

    public IReadOnlyList<TargetRun> Runs => _runs;

    /// <summary>
    /// False once a target failed or was aborted, and once the build was cancelled: a target that
    /// finished after the cancel still leaves a build that did not finish, so a rollback must run.
    /// </summary>
    public bool IsSucceeding => !_cancelled && _runs.All(r => r.Status is not (ExecutionStatus.Failed or ExecutionStatus.Aborted));

    private volatile bool _cancelled;

    /// <summary>Evaluates static conditions (skipping, with the cascade) and then the requirements; throws listing every unmet requirement.</summary>
    public void Prepare()
    {
        foreach (var run in Scheduled())
        {
            if (FirstFalse(run, run.Node.StaticConditions) is { } index)
                Skip(run, $"static condition #{index} is false");
        }

        Cascade();
        var problems = Scheduled()
            .SelectMany(run => run.Node.Requirements.Select(r => r.Problem()).OfType<string>().Select(p => $"Target '{run.Name}': {p}"))
            .ToList();
        if (problems.Count > 0)
            throw new BuildUsageException(string.Join(Environment.NewLine, problems));
    }

    public async Task<BuildResult> RunAsync(CancellationToken cancel, CancellationToken cancelAssured = default)
    {
        var stopped = false;
        using var onCancel = cancel.Register(() => _cancelled = true);
        foreach (var run in _runs)
        {
            if (stopped || cancel.IsCancellationRequested)
                break;
            if (run.Status != ExecutionStatus.Scheduled)
                continue;

            var failedDependency = run.Node.DependsOn.FirstOrDefault(d => Find(d).Status is ExecutionStatus.Failed or ExecutionStatus.NotRun or ExecutionStatus.Aborted);
            if (failedDependency is not null && !run.Node.AssuredAfterFailure)
            {
                run.Status = ExecutionStatus.NotRun;
                run.Reason = $"{failedDependency} did not succeed";
                continue;
            }

            await ExecuteAsync(run, cancel);
            stopped = run.Status == ExecutionStatus.Aborted || (run.Status == ExecutionStatus.Failed && !run.Node.ProceedAfterFailure);
        }

        var assured = Scheduled().Where(r => r.Node.AssuredAfterFailure).ToList();
        foreach (var run in Scheduled().Except(assured).ToList())
            run.Status = ExecutionStatus.NotRun;
        foreach (var run in assured)
            await ExecuteAsync(run, cancelAssured);

        return new BuildResult(_runs, cancel.IsCancellationRequested);
    }

    private async Task ExecuteAsync(TargetRun run, CancellationToken cancel)
    {
        using var _ = LogContext.PushProperty("Target", run.Name);
        int? index;
        try
        {
            index = FirstFalse(run, run.Node.DynamicConditions);
        }
        catch (BuildUsageException ex)
        {
            run.Status = ExecutionStatus.Failed;
            run.Reason = ex.Message;
            Log.Error("{Message}", ex.Message);
            return;
        }

        if (index is not null)
        {
            Skip(run, $"dynamic condition #{index} is false");
            Log.Information("Skipping {TargetName}: {Reason}", run.Name, run.Reason);
            Cascade();
            return;
        }

        if (cancel.IsCancellationRequested)
        {
            run.Status = ExecutionStatus.NotRun;
            return;
        }

        Log.Information("── {TargetName} ──", run.Name);
        run.Status = ExecutionStatus.Running;
        var stopwatch = Stopwatch.StartNew();
        try
        {
            foreach (var action in run.Node.Actions)
                await action(cancel);
            run.Status = ExecutionStatus.Succeeded;
        }
        catch (Exception) when (cancel.IsCancellationRequested)
        {
            run.Status = ExecutionStatus.Aborted;
            Log.Warning("Target {TargetName} was cancelled", run.Name);
        }
        catch (TargetFailedException ex)
        {
            run.Status = ExecutionStatus.Failed;
            run.Reason = ex.Message;
            Log.Error("Target {TargetName} failed: {Message}", run.Name, ex.Message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            run.Status = ExecutionStatus.Failed;
            run.Reason = ex.Message;
            Log.Error(ex, "Target {TargetName} has thrown an exception", run.Name);
        }

        run.Duration = stopwatch.Elapsed;
    }

    private IEnumerable<TargetRun> Scheduled() => _runs.Where(r => r.Status == ExecutionStatus.Scheduled);

    private TargetRun Find(string name) => _runs.FirstOrDefault(r => r.Name == name) ?? new TargetRun(new(name, -1), false) { Status = ExecutionStatus.Succeeded };

    private static void Skip(TargetRun run, string reason)
    {
        run.Status = ExecutionStatus.Skipped;
        run.Reason = reason;
    }

    private void Cascade()
    {
        var skipped = _runs.Where(r => r.Status == ExecutionStatus.Skipped).ToDictionary(r => r.Name, r => r.Reason ?? "");
        SkipCascade.Apply(_runs.Select(r => r.Node).ToList(), _runs.Where(r => r.Invoked).Select(r => r.Name).ToHashSet(), skipped,
            name => Find(name).Status == ExecutionStatus.Scheduled);
        foreach (var run in Scheduled().Where(r => skipped.ContainsKey(r.Name)).ToList())
            Skip(run, skipped[run.Name]);
    }

    /// <summary>The 1-based index of the first false condition, or null when all hold.</summary>
    private static int? FirstFalse(TargetRun run, IReadOnlyList<Func<bool>> conditions)
    {
        for (var i = 0; i < conditions.Count; i++)
        {
            bool holds;
            try
            {
                holds = conditions[i]();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw new BuildUsageException($"Condition #{i + 1} of target '{run.Name}' has thrown: {ex.Message}");
            }

            if (!holds)
                return i + 1;
        }

        return null;
    }
}
