using Orchestration.Logs;
using Orchestration.Processes;
using Orchestration.State;

namespace Orchestration.Supervision;

/// <summary>
/// Runs the supervisor's children: spawns one, makes it a process's current child, sees its exit
/// from the process itself, ends what it left in its group, and restarts a crash by the
/// <see cref="CrashPolicy"/> (backoff that resets after a stable run; errored after a crash loop).
/// </summary>
internal sealed class ProcessRunner(SupervisorContext context)
{
    /// <summary>How long what a crashed process left in its group gets after SIGTERM before SIGKILL.</summary>
    private static readonly TimeSpan LeftoverGrace = TimeSpan.FromSeconds(1);

    /// <summary>How long an exit waits for the last lines still in the pipes before it is logged.</summary>
    private static readonly TimeSpan OutputGrace = TimeSpan.FromMilliseconds(300);

    private LogRouter Logs => context.Logs;

    /// <summary>Starts <paramref name="process"/>'s spec as its new child; a spawn failure is recorded as an exit (127).</summary>
    public async Task SpawnAsync(SupervisedProcess process, CancellationToken cancellationToken)
    {
        process.Stopping = false;
        process.LastExit = null;
        var child = StartChild(process.Spec, out var failure);
        if (child is null)
        {
            lock (context.StateGate)
            {
                process.Child = null;
                process.Identity = null;
                process.LastExit = new ChildExit(127, DateTimeOffset.Now);
                process.Status = ProcessStatus.Exited;
            }
            Logs.Write(process.Name, LogRouter.Timestamped("ERROR", failure!));
            return;
        }
        await AdoptAsync(process, child, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a child whose output goes to the process's logs; null (with the reason logged) when it cannot start.</summary>
    /// <param name="sockets">Listening sockets the child takes over (a replacement instance, see <see cref="HandedSockets"/>).</param>
    public ChildProcess? StartChild(ProcessSpec spec, out string? failure, HandedSockets? sockets = null)
    {
        var name = spec.Name;
        try
        {
            var child = ChildProcess.Start(spec, line => Logs.Write(name, line), sockets);
            Logs.Event($"Started {name} (pid {child.Pid}): {string.Join(' ', spec.Argv)}");
            failure = null;
            return child;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            failure = $"could not start {name}: {ex.InnerException?.Message ?? ex.Message} (argv: {string.Join(' ', spec.Argv)}, cwd: {spec.WorkingDirectory})";
            Logs.Event(failure, "ERROR");
            return null;
        }
    }

    /// <summary>Makes <paramref name="child"/> the process's current one: its exit is now this process's exit.</summary>
    public async Task AdoptAsync(SupervisedProcess process, ChildProcess child, CancellationToken cancellationToken)
    {
        lock (context.StateGate)
        {
            process.Child = child;
            process.Spec = child.Spec;
            process.Stopping = false;
            process.LastExit = null;
            process.Status = ProcessStatus.Starting;
            process.StartedAt = DateTimeOffset.Now;
            process.Identity = new ProcessIdentity(child.Pid, 0, child.Spec.Argv);
        }
        _ = child.Exited.ContinueWith(t => OnExitedAsync(process, child, t.Result), TaskScheduler.Default).Unwrap();
        var identity = await child.CaptureIdentityAsync(cancellationToken).ConfigureAwait(false);
        lock (context.StateGate)
        {
            if (!ReferenceEquals(process.Child, child)) return;
            process.Identity = identity ?? process.Identity;
            if (!child.HasExited) process.Status = ProcessStatus.Running;
        }
    }

    /// <summary>
    /// Makes a child the previous program of this supervisor started (a hand-over) the process's
    /// current one again, as it was: its identity, status and start time stay what they were.
    /// </summary>
    public void TakeOver(SupervisedProcess process, ChildProcess child, ProcessIdentity identity)
    {
        lock (context.StateGate)
        {
            process.Child = child;
            process.Identity = identity;
            process.Stopping = false;
        }
        _ = child.Exited.ContinueWith(t => OnExitedAsync(process, child, t.Result), TaskScheduler.Default).Unwrap();
    }

    /// <summary>A process that was down when the supervisor's program was replaced (its crash restart was the old program's to do) is started again.</summary>
    public async Task RestartAfterHandOverAsync(SupervisedProcess process)
    {
        try
        {
            await context.Gate.WaitAsync(context.Stopped).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.Stopped.IsCancellationRequested)
        {
            return;
        }
        await RespawnHeldAsync(process, () => process.Detached || process.Child is { HasExited: false },
            restarts => $"Restarting {process.Name}, down when the supervisor's program was replaced (restart {restarts})").ConfigureAwait(false);
    }

    /// <summary>
    /// Spawns a process again, the gate held by the caller (released here, the state saved), unless the
    /// stack or the process is stopping or <paramref name="notWanted"/> says it is no longer to be restarted.
    /// </summary>
    private async Task RespawnHeldAsync(SupervisedProcess process, Func<bool> notWanted, Func<int, string> message)
    {
        try
        {
            if (context.Stopping || process.Stopping || notWanted()) return;
            process.Restarts++;
            Logs.Event(message(process.Restarts), "WARN");
            await SpawnAsync(process, context.Stopped).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.Stopped.IsCancellationRequested)
        {
        }
        finally
        {
            context.Gate.Release();
            context.SaveState();
        }
    }

    /// <summary>
    /// Ends a child that is not (or no longer) a process's current one, by its group: graceful
    /// signal, then SIGKILL after the deployment's stop_timeout.
    /// </summary>
    public async Task StopChildAsync(ChildProcess child, CancellationToken cancellationToken)
    {
        if (child.HasExited) return;
        var identity = ProcessIdentity.Capture(child.Pid) ?? new ProcessIdentity(child.Pid, 0, child.Spec.Argv);
        var request = new StopRequest(child.Spec.Name, identity, child.ProcessGroup, Posix.SIGTERM, SignalGroupGracefully: true);
        await ProcessTerminator.StopOneAsync(request, TimeSpan.FromSeconds(context.Plan.StopTimeoutSeconds), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends a process's current child the way Stop does (graceful signal to its group, SIGKILL after
    /// <paramref name="timeout"/>); its exit is then expected, not a crash. Null when it had no child.
    /// </summary>
    public static async Task<StopOutcome?> StopProcessAsync(SupervisedProcess process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (process.Child is null || process.Identity is null) return null;
        process.Stopping = true;
        if (process.Child.HasExited)
            return new StopOutcome(process.Name, process.Child.Pid, StopResult.NotRunning, TimeSpan.Zero);
        var record = process.ToRecord(string.Empty);
        var outcome = await ProcessTerminator.StopOneAsync(record.ToStopRequest(), timeout, cancellationToken).ConfigureAwait(false);
        // The runtime reaps at once; wait for our own bookkeeping to see it, briefly.
        await Task.WhenAny(process.Child.Exited, Task.Delay(500, cancellationToken)).ConfigureAwait(false);
        return outcome;
    }

    private async Task OnExitedAsync(SupervisedProcess process, ChildProcess child, ChildExit exit)
    {
        if (!ReferenceEquals(process.Child, child)) return; // an older generation of a replaced process
        var expected = process.Stopping || context.Stopping;
        if (!expected) await EndLeftoversAsync(process, child).ConfigureAwait(false);
        await Task.WhenAny(child.OutputClosed, Task.Delay(OutputGrace)).ConfigureAwait(false);
        lock (context.StateGate)
        {
            if (!ReferenceEquals(process.Child, child)) return;
            expected = process.Stopping || context.Stopping;
            process.LastExit = exit;
            process.Status = expected ? ProcessStatus.Stopped : ProcessStatus.Exited;
        }
        Logs.Flush(); // its last lines are on disk before its exit is on record
        Logs.Event($"{process.Name} (pid {child.Pid}) exited: {exit}", expected ? "INFO" : "ERROR");
        context.SaveState();
        if (!expected && context.AutoRestart && process.Kind is ProcessKind.Instance or ProcessKind.Nginx)
            await RestartAfterCrashAsync(process, child, exit).ConfigureAwait(false);
    }

    /// <summary>
    /// A crashed program's own children (an nginx worker, a job a shell started) would keep its port
    /// and its output: its group is ended too, as Stop would (SIGTERM, then SIGKILL).
    /// </summary>
    private async Task EndLeftoversAsync(SupervisedProcess process, ChildProcess child)
    {
        if (ProcInfo.GroupMembers(child.ProcessGroup).Count == 0) return;
        var identity = process.Identity is { StartTicks: > 0 } known && known.Pid == child.Pid ? known : new ProcessIdentity(child.Pid, 0, child.Spec.Argv);
        var request = new StopRequest(child.Spec.Name, identity, child.ProcessGroup, Posix.SIGTERM, SignalGroupGracefully: true);
        var outcome = await ProcessTerminator.StopOneAsync(request, LeftoverGrace, CancellationToken.None).ConfigureAwait(false);
        if (outcome.Result != StopResult.NotRunning)
            Logs.Event($"{process.Name} (pid {child.Pid}) exited leaving processes in its group: ended ({outcome.Result})", "WARN");
    }

    private async Task RestartAfterCrashAsync(SupervisedProcess process, ChildProcess crashed, ChildExit exit)
    {
        var decision = process.Crashes.OnCrash(exit.ExitedAt - process.StartedAt);
        if (decision.GiveUp)
        {
            lock (context.StateGate) process.Status = ProcessStatus.Errored;
            Logs.Event($"{process.Name} crashed {decision.UnstableStarts + 1} times in a row, each within {context.Plan.Restart.MinUptimeSeconds:0.###} s of its start: " +
                $"given up (errored, last {exit}); fix it and run ./build.sh Restart", "ERROR");
            context.SaveState();
            return;
        }
        lock (context.StateGate) process.Status = ProcessStatus.Restarting;
        context.SaveState();
        try
        {
            await Task.Delay(decision.Delay, context.Stopped).ConfigureAwait(false);
            await context.Gate.WaitAsync(context.Stopped).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.Stopped.IsCancellationRequested)
        {
            return; // stopped meanwhile: nothing to restart
        }
        // Stopped meanwhile, replaced, or drained and forgotten (Apply): nothing to restart.
        await RespawnHeldAsync(process, () => !ReferenceEquals(process.Child, crashed),
            restarts => $"Restarting {process.Name} after a crash (restart {restarts}, waited {decision.Delay.TotalSeconds:0.###} s)").ConfigureAwait(false);
    }
}
