using Orchestration.Builds;
using System.Diagnostics;
using System.Globalization;
using Orchestration.IO;
using Orchestration.Specs;
using Orchestration.State;
using Orchestration.Watch;

namespace Orchestration.Supervision;

/// <summary>
/// Watch mode: a change under a <c>reload: true</c> server's folder → one build per burst into a
/// fresh folder (running instances keep theirs) → each instance replaced by the
/// <see cref="InstanceReplacer"/>: first onto its spare port, then back to its configured one, so
/// nginx always has a healthy instance to send to and is never reloaded. Every failure of a reload
/// (a compile error, an I/O error copying the build, an unhealthy replacement) is logged and shown in
/// Status, and watching goes on.
/// </summary>
internal sealed class WatchReloader(SupervisorContext context, InstanceReplacer replacer) : IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan WarmUpDelay = TimeSpan.FromSeconds(3);
    private readonly List<ChangeWatcher> _watchers = [];
    private readonly Dictionary<string, WatchState> _watch = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _reloads = new();
    private int _generation;

    private SupervisorPlan Plan => context.Plan;

    private sealed class WatchState
    {
        public bool Watching;
        public bool CompilerWarm;
        public bool Running;
        public bool Pending;
        public int Builds;
        public DateTimeOffset? LastAt;
        public double? LastSeconds;
        public string? LastResult;
        public string? LastError;
    }

    /// <summary>Starts watching every reload: true server (once the stack is up).</summary>
    public void Start()
    {
        foreach (var plan in Plan.Watch)
        {
            var state = new WatchState();
            lock (context.StateGate)
            {
                foreach (var server in plan.Servers) _watch[server] = state;
            }
            try
            {
                _watchers.Add(new ChangeWatcher(plan.Directory, new WatchFilter(plan.Include, GeneratedFolders(plan.Directory)), Debounce, burst => OnBurstAsync(plan, state, burst)));
                state.Watching = true;
                context.Logs.Event($"Watching {plan.Directory} for {string.Join(", ", plan.Servers)} (reload on change)");
                if (plan.Project is not null) _ = WarmUpAsync(plan, state);
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
            {
                state.LastError = $"cannot watch {plan.Directory}: {ex.Message}";
                context.Logs.Event(state.LastError, "ERROR");
            }
        }
        context.SaveState();
    }

    /// <summary>The spec and client folders that lie under a watched folder, relative to it.</summary>
    private List<string> GeneratedFolders(string watched) => Plan.Specs is not { } specs ? [] :
        new[] { specs.Output, specs.Clients }.Select(f => Path.GetRelativePath(watched, f))
            .Where(r => !r.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(r)).ToList();

    /// <summary>Each watched server's state, for state.json. Call under the state gate.</summary>
    public IReadOnlyList<WatchRecord> Records() => Plan.Watch.SelectMany(w => w.Servers).Select(server =>
    {
        var s = _watch.GetValueOrDefault(server);
        return new WatchRecord
        {
            Server = server, Watching = s?.Watching ?? false, CompilerWarm = s?.CompilerWarm ?? false, Builds = s?.Builds ?? 0, LastReloadAt = s?.LastAt,
            LastReloadSeconds = s?.LastSeconds, LastReloadResult = s?.LastResult, LastError = s?.LastError,
        };
    }).ToList();

    private async Task OnBurstAsync(WatchPlan plan, WatchState state, IReadOnlyList<string> changes)
    {
        lock (context.StateGate)
        {
            if (context.Stopping) return;
            if (state.Running) { state.Pending = true; return; }
            state.Running = true;
        }
        var finished = false;
        try
        {
            var burst = changes;
            while (true)
            {
                var clock = Stopwatch.StartNew();
                try
                {
                    await ReloadServerAsync(plan, state, burst, clock, _reloads.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException && ex is not OutOfMemoryException)
                {
                    // Whatever went wrong, this reload is over and the next change gets its own.
                    Record(state, clock, "reload failed; the running instances keep serving", $"{ex.GetType().Name}: {ex.Message}");
                }
                lock (context.StateGate)
                {
                    // Running ends under the same lock that saw no pending change: a burst arriving
                    // in between would otherwise be marked pending and never built.
                    if (!state.Pending || context.Stopping) { state.Running = false; finished = true; return; }
                    state.Pending = false;
                }
                burst = ["(more changes during the last reload)"];
            }
        }
        catch (OperationCanceledException) when (_reloads.IsCancellationRequested)
        {
        }
        finally
        {
            if (!finished) lock (context.StateGate) state.Running = false;
        }
    }

    private async Task ReloadServerAsync(WatchPlan plan, WatchState state, IReadOnlyList<string> changes, Stopwatch clock, CancellationToken cancellationToken)
    {
        var servers = string.Join(", ", plan.Servers);
        context.Logs.Event($"Change for {servers}: {string.Join(", ", changes.Take(5))}{(changes.Count > 5 ? $" and {changes.Count - 5} more" : "")}; reloading");
        string? dll = null;
        if (plan.Project is not null)
        {
            var runs = Path.Combine(context.Paths.Root, "builds", plan.Servers[0], "run");
            // Past the folders already there: after the supervisor replaced its program, the running
            // instances may run from a folder this program's count has not reached yet.
            var generation = Interlocked.Increment(ref _generation);
            while (Directory.Exists(Path.Combine(runs, generation.ToString(CultureInfo.InvariantCulture)))) generation = Interlocked.Increment(ref _generation);
            // The instances run from a copy of the staging folder per build, which no build writes into.
            var run = Path.Combine(runs, generation.ToString(CultureInfo.InvariantCulture));
            context.Logs.Event($"Building {plan.Project} (build {generation})");
            lock (context.StateGate) state.Builds++;
            try
            {
                var built = await BuildAsync(plan, [], cancellationToken).ConfigureAwait(false);
                DirectoryMirror.Copy(Path.GetDirectoryName(built)!, run);
                dll = Path.Combine(run, Path.GetFileName(built));
                lock (context.StateGate) state.CompilerWarm = true;
                context.Logs.Event($"Built in {clock.Elapsed.TotalSeconds:0.00} s; starting the new code");
            }
            catch (BackendBuildException ex)
            {
                foreach (var line in ex.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries)) context.Logs.Event(line.Trim(), "ERROR");
                Record(state, clock, "build failed; the running instances keep serving", ex.Errors.Split('\n')[0].Trim());
                return;
            }
        }

        await context.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            List<SupervisedProcess> instances;
            // A detached instance is the developer's to rebuild; Attach starts the new build.
            lock (context.StateGate) instances = context.Processes.Where(p => p.Kind == ProcessKind.Instance && !p.Detached && plan.Servers.Contains(p.Server!)).ToList();
            if (instances.FirstOrDefault(p => p.SparePort == 0) is { } noSpare)
            {
                Record(state, clock, "not reloaded", $"{noSpare.Name} has no spare port; run ./build.sh Restart");
                return;
            }
            // First every instance is replaced by new code, all at once: each old one serves until its
            // own replacement is healthy. A server with socket_handoff hands its listening socket over
            // and is done; the others start on their spare port, then move back to their configured
            // port the same way, so direct access works as before.
            var moved = await Task.WhenAll(instances.Select(p => replacer.RenewAsync(p,
                dll is null ? p.Spec : p.Spec with { Argv = [p.Spec.Argv[0], dll], WorkingDirectory = Path.GetDirectoryName(dll)! },
                cancellationToken))).ConfigureAwait(false);
            if (moved.FirstOrDefault(e => e is not null) is { } unhealthy)
            {
                Record(state, clock, "replacement unhealthy; the old instance keeps serving", unhealthy);
                return;
            }
            context.Logs.Event($"New code serves for {servers} after {clock.Elapsed.TotalSeconds:0.00} s");
            var back = await Task.WhenAll(instances.Where(p => p.Port != p.ConfiguredPort).Select(async p => (p, Error: await replacer.ReplaceAsync(p, p.Spec, p.ConfiguredPort, cancellationToken).ConfigureAwait(false))))
                .ConfigureAwait(false);
            if (back.FirstOrDefault(r => r.Error is not null) is { Error: { } error } stuck)
            {
                Record(state, clock, $"new code serves, but {stuck.p.Name} stays on port {stuck.p.Port}", error);
                return;
            }
        }
        finally
        {
            context.Gate.Release();
            context.SaveState();
        }
        await RefreshSpecsAsync(cancellationToken).ConfigureAwait(false);
        Record(state, clock, "ok", null);
        PruneBuilds(dll is null ? null : Path.GetDirectoryName(dll));
    }

    /// <summary>
    /// The new code may serve other routes: the spec files are read again from every server's first
    /// instance and rewritten where they changed (the clients too, once generated), before the reload
    /// is reported done. A failure is logged; the reload itself stands.
    /// </summary>
    private async Task RefreshSpecsAsync(CancellationToken cancellationToken)
    {
        if (Plan.Specs is not { } layout) return;
        var urls = Plan.Instances.GroupBy(i => i.Server).ToDictionary(g => g.Key, g => $"http://127.0.0.1:{g.OrderBy(i => i.Port).First().Port}");
        try
        {
            var outcome = await new SpecRefresher(layout, line => context.Logs.Event(line)).RefreshAsync(urls, cancellationToken).ConfigureAwait(false);
            if (outcome.Changes.Count > 0)
                context.Logs.Event($"Specs updated ({string.Join(", ", outcome.Changes.Select(c => $"{c.Path} {c.Kind}"))})" +
                                   $"{(outcome.ClientsGenerated ? "; clients regenerated" : "")} in {outcome.Elapsed.TotalSeconds:0.00} s");
        }
        catch (Exception ex) when (ex is Specs.SpecException or IOException or UnauthorizedAccessException)
        {
            context.Logs.Event($"Specs not updated after the reload: {ex.Message}", "WARN");
        }
    }

    /// <summary>
    /// One full compile of the project right after the stack is up, in a folder of its own, so the
    /// compiler server is started and warm before the first edit (its first compile is the slow one).
    /// Nothing is replaced; an edit made meanwhile is reloaded as soon as it ends.
    /// </summary>
    private async Task WarmUpAsync(WatchPlan plan, WatchState state)
    {
        var folder = Path.Combine(context.Paths.Root, "builds", plan.Servers[0], "warm-up");
        try
        {
            // Not at once: a Start that a script stops right away should not pay for a compile.
            await Task.Delay(WarmUpDelay, _reloads.Token).ConfigureAwait(false);
            lock (context.StateGate)
            {
                if (state.Running || state.Builds > 0 || context.Stopping) return; // an edit came first: its build warms the compiler
                state.Running = true;
            }
            var clock = Stopwatch.StartNew();
            DeleteFolder(folder); // a full compile, even when a former warm-up's output is up to date
            await BuildAsync(plan, [$"-p:IntermediateOutputPath={Path.Combine(folder, "obj")}/"], _reloads.Token).ConfigureAwait(false);
            DeleteFolder(folder);
            context.Logs.Event($"Compiler warmed up for {string.Join(", ", plan.Servers)} in {clock.Elapsed.TotalSeconds:0.0} s");
            lock (context.StateGate) state.CompilerWarm = true;
        }
        catch (BackendBuildException ex)
        {
            context.Logs.Event($"Warm-up build of {plan.Project} failed (edits will still be built): {ex.Errors.Split('\n')[0]}", "WARN");
        }
        catch (OperationCanceledException) when (_reloads.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            context.Logs.Event($"Warm-up of {plan.Project} failed (edits will still be built): {ex.Message}", "WARN");
        }
        bool pending;
        lock (context.StateGate)
        {
            state.Running = false;
            pending = state.Pending && !context.Stopping;
            state.Pending = false;
        }
        context.SaveState();
        if (pending) await OnBurstAsync(plan, state, ["(changes during the compiler warm-up)"]).ConfigureAwait(false);
    }

    private void Record(WatchState state, Stopwatch clock, string result, string? error)
    {
        lock (context.StateGate)
        {
            state.LastAt = DateTimeOffset.Now;
            state.LastSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2);
            state.LastResult = result;
            state.LastError = error;
        }
        context.Logs.Event($"Reload {result} in {clock.Elapsed.TotalSeconds:0.00} s{(error is null ? "" : $": {error}")}", error is null ? "INFO" : "ERROR");
        context.SaveState();
    }

    /// <summary>Keeps the copy of the build in use; older copies of the same project go.</summary>
    private static void PruneBuilds(string? keep)
    {
        if (keep is null) return;
        var root = Path.GetDirectoryName(keep)!;
        foreach (var dir in Directory.EnumerateDirectories(root).Where(d => d != keep)) DeleteFolder(dir);
    }

    private static void DeleteFolder(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public CompilerServer CompilerServer => new(context.Paths, Plan.Dotnet);

    /// <summary>
    /// A watch build (the warm-up's too): on the deployment's compiler server, only to run, into one
    /// staging folder per project so MSBuild copies only what changed (instances never run from it).
    /// Returns the built dll there.
    /// </summary>
    private Task<string> BuildAsync(WatchPlan plan, IReadOnlyList<string> extraProperties, CancellationToken cancellationToken) =>
        new BackendBuilder(Plan.Dotnet).BuildAsync(plan.Project!, Path.Combine(context.Paths.Root, "builds", plan.Servers[0], "out"), cancellationToken,
            [.. CompilerServer.BuildProperties(), .. BackendBuilder.RunOnlyProperties, .. extraProperties], CompilerServer.BuildEnvironment);

    /// <summary>A watch build or reload is under way (the supervisor's hand-over waits for it).</summary>
    public bool Busy
    {
        get
        {
            lock (context.StateGate) return _watch.Values.Any(s => s.Running);
        }
    }

    /// <summary>Watches what the plan says now (an Apply may add or remove reload: true servers); reloads in progress go on.</summary>
    public void Rewatch()
    {
        if (!context.AutoRestart) return; // not started yet: MarkStarted starts watching
        foreach (var w in _watchers) w.Dispose();
        _watchers.Clear();
        lock (context.StateGate) _watch.Clear();
        Start();
    }

    /// <summary>Stops watching; a reload in progress ends (its replacement is stopped) and frees the gate.</summary>
    public void Stop()
    {
        _reloads.Cancel();
        foreach (var w in _watchers) w.Dispose();
        _watchers.Clear();
    }

    public void Dispose()
    {
        Stop();
        _reloads.Dispose();
    }
}
