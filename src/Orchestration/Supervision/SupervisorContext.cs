using Orchestration.Config;
using Orchestration.Logs;
using Orchestration.State;

namespace Orchestration.Supervision;

/// <summary>
/// The one mutable runtime state of a supervisor, shared by its parts and owned by the
/// <see cref="Supervisor"/> aggregate: the processes, the gate that serialises every change to
/// them, and the flags that say whether the stack is up or going down.
/// </summary>
internal sealed class SupervisorContext(SupervisorPlan plan, LogRouter logs) : IDisposable
{
    private readonly CancellationTokenSource _stopped = new();
    private volatile bool _stopping;
    private volatile bool _autoRestart;

    /// <summary>What the stack runs: the plan it started from, or the last one applied.</summary>
    public SupervisorPlan Plan { get; set; } = plan;
    public LogRouter Logs { get; } = logs;
    public StateStore Store { get; } = new(new LocalPaths(plan.LocalDir));
    public LocalPaths Paths => Store.Paths;

    /// <summary>Every instance, then nginx once started. Read and changed under <see cref="StateGate"/>.</summary>
    public List<SupervisedProcess> Processes { get; } = [];

    /// <summary>One change to the set of running processes at a time (spawn, replace, restart, stop).</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Guards the fields of the processes and the state written to disk.</summary>
    public Lock StateGate { get; } = new();

    /// <summary>Cancelled once everything has been stopped and the supervisor may exit.</summary>
    public CancellationToken Stopped => _stopped.Token;

    /// <summary>Set when a stop of the whole stack begins: no exit from then on is a crash.</summary>
    public bool Stopping => _stopping;

    /// <summary>Set once Start has seen the stack healthy: from then on a crash is restarted.</summary>
    public bool AutoRestart => _autoRestart;

    /// <summary>Writes the current state to <c>state.json</c> and the pid files; set by the aggregate.</summary>
    public Action SaveState { get; set; } = () => { };

    public void BeginStopping() => _stopping = true;

    public bool EnableAutoRestart()
    {
        if (_autoRestart) return false;
        _autoRestart = true;
        return true;
    }

    public void MarkStopped() => _stopped.Cancel();

    /// <param name="unstableStarts">The history so far (a hand-over carries it on).</param>
    public CrashPolicy NewCrashPolicy(int unstableStarts = 0) => new(Plan.Restart, unstableStarts);

    /// <summary>A failure message about one process, with the last lines of its log (why it failed, in its own words).</summary>
    public string WithLastLines(string name, string what)
    {
        const int lines = 15;
        var log = Paths.LogFor(name);
        return $"{name}: {what}\n  last lines of {log}:\n    " + string.Join("\n    ", LogFiles.LastLines(log, lines));
    }

    public void Dispose()
    {
        Gate.Dispose();
        _stopped.Dispose();
    }
}
