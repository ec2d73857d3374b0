using System.Diagnostics;
using Orchestration.Config;
using Orchestration.Health;
using Orchestration.IO;
using Orchestration.Lifecycle;
using Orchestration.Processes;
using Orchestration.State;
using Orchestration.Watch;

namespace Orchestration.Supervision;

/// <summary>
/// Watch mode: a change under a <c>reload: true</c> server's folder → one build per burst into a
/// fresh folder (running instances keep theirs) → each instance replaced in turn: the replacement
/// starts on the instance's spare port (a <c>backup</c> server in nginx's upstream), must answer
/// healthy, then the old one stops; then the same hop back to the configured port. nginx always
/// has a healthy instance to send to and is never reloaded, so no request fails, even with a
/// single instance.
/// </summary>
public sealed partial class Supervisor
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan WarmUpDelay = TimeSpan.FromSeconds(3);
    private readonly List<ChangeWatcher> _watchers = [];
    private readonly Dictionary<string, WatchState> _watch = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _reloads = new();
    private int _generation;

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
    public void StartWatching()
    {
        foreach (var plan in _plan.Watch)
        {
            var state = new WatchState();
            lock (_stateGate)
            {
                foreach (var server in plan.Servers) _watch[server] = state;
            }
            try
            {
                _watchers.Add(new ChangeWatcher(plan.Directory, new WatchFilter(plan.Include), Debounce, burst => OnBurstAsync(plan, state, burst)));
                state.Watching = true;
                _logs.Event($"Watching {plan.Directory} for {string.Join(", ", plan.Servers)} (reload on change)");
                if (plan.Project is not null) _ = WarmUpAsync(plan, state);
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
            {
                state.LastError = $"cannot watch {plan.Directory}: {ex.Message}";
                _logs.Event(state.LastError, "ERROR");
            }
        }
        SaveState();
    }

    private IReadOnlyList<WatchRecord> WatchRecords() => _plan.Watch.SelectMany(w => w.Servers).Select(server =>
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
        lock (_stateGate)
        {
            if (_stopping) return;
            if (state.Running) { state.Pending = true; return; }
            state.Running = true;
        }
        try
        {
            var burst = changes;
            while (true)
            {
                await ReloadServerAsync(plan, state, burst, _reloads.Token).ConfigureAwait(false);
                lock (_stateGate)
                {
                    if (!state.Pending || _stopping) { state.Running = false; return; }
                    state.Pending = false;
                }
                burst = ["(more changes during the last reload)"];
            }
        }
        catch (OperationCanceledException) when (_reloads.IsCancellationRequested)
        {
            lock (_stateGate) state.Running = false;
        }
    }

    private async Task ReloadServerAsync(WatchPlan plan, WatchState state, IReadOnlyList<string> changes, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var servers = string.Join(", ", plan.Servers);
        _logs.Event($"Change for {servers}: {string.Join(", ", changes.Take(5))}{(changes.Count > 5 ? $" and {changes.Count - 5} more" : "")}; reloading");
        string? dll = null;
        if (plan.Project is not null)
        {
            var generation = Interlocked.Increment(ref _generation);
            // The instances run from a copy of the staging folder per build, which no build writes into.
            var run = Path.Combine(_store.Paths.Root, "builds", plan.Servers[0], "run", generation.ToString(System.Globalization.CultureInfo.InvariantCulture));
            _logs.Event($"Building {plan.Project} (build {generation})");
            lock (_stateGate) state.Builds++;
            try
            {
                var built = await WatchBuildAsync(plan, [], cancellationToken).ConfigureAwait(false);
                DirectoryMirror.Copy(Path.GetDirectoryName(built)!, run);
                dll = Path.Combine(run, Path.GetFileName(built));
                lock (_stateGate) state.CompilerWarm = true;
                _logs.Event($"Built in {clock.Elapsed.TotalSeconds:0.00} s; starting the new code");
            }
            catch (BackendBuildException ex)
            {
                foreach (var line in ex.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries)) _logs.Event(line.Trim(), "ERROR");
                Record(state, clock, "build failed; the running instances keep serving", ex.Errors.Split('\n')[0].Trim());
                return;
            }
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var instances = _processes.Where(p => p.Kind == ProcessKind.Instance && plan.Servers.Contains(p.Server!)).ToList();
            if (instances.FirstOrDefault(p => p.SparePort == 0) is { } noSpare)
            {
                Record(state, clock, "not reloaded", $"{noSpare.Name} has no spare port; run ./build.sh Restart");
                return;
            }
            // First every instance moves to new code on its spare port, all at once: each old one
            // serves until its own replacement is healthy, and then nginx (which lists the spares as
            // backups) moves its requests over. Then each moves back to its configured port the same
            // way, so direct access works as before.
            var moved = await Task.WhenAll(instances.Select(p => ReplaceAsync(p,
                dll is null ? p.Spec : p.Spec with { Argv = [p.Spec.Argv[0], dll], WorkingDirectory = Path.GetDirectoryName(dll)! },
                p.SparePort, cancellationToken))).ConfigureAwait(false);
            if (moved.FirstOrDefault(e => e is not null) is { } unhealthy)
            {
                Record(state, clock, "replacement unhealthy; the old instance keeps serving", unhealthy);
                return;
            }
            _logs.Event($"New code serves for {servers} after {clock.Elapsed.TotalSeconds:0.00} s");
            var back = await Task.WhenAll(instances.Select(async p => (p, Error: await ReplaceAsync(p, p.Spec, p.ConfiguredPort, cancellationToken).ConfigureAwait(false))))
                .ConfigureAwait(false);
            if (back.FirstOrDefault(r => r.Error is not null) is { Error: { } error } stuck)
            {
                Record(state, clock, $"new code serves, but {stuck.p.Name} stays on port {stuck.p.Port}", error);
                return;
            }
        }
        finally
        {
            _gate.Release();
            SaveState();
        }
        Record(state, clock, "ok", null);
        PruneBuilds(dll is null ? null : Path.GetDirectoryName(dll));
    }

    /// <summary>
    /// One full compile of the project right after the stack is up, in a folder of its own, so the
    /// compiler server is started and warm before the first edit (its first compile is the slow one).
    /// Nothing is replaced; an edit made meanwhile is reloaded as soon as it ends.
    /// </summary>
    private async Task WarmUpAsync(WatchPlan plan, WatchState state)
    {
        var folder = Path.Combine(_store.Paths.Root, "builds", plan.Servers[0], "warm-up");
        try
        {
            // Not at once: a Start that a script stops right away should not pay for a compile.
            await Task.Delay(WarmUpDelay, _reloads.Token).ConfigureAwait(false);
            lock (_stateGate)
            {
                if (state.Running || state.Builds > 0 || _stopping) return; // an edit came first: its build warms the compiler
                state.Running = true;
            }
            var clock = Stopwatch.StartNew();
            DeleteFolder(folder); // a full compile, even when a former warm-up's output is up to date
            await WatchBuildAsync(plan, [$"-p:IntermediateOutputPath={Path.Combine(folder, "obj")}/"], _reloads.Token).ConfigureAwait(false);
            DeleteFolder(folder);
            _logs.Event($"Compiler warmed up for {string.Join(", ", plan.Servers)} in {clock.Elapsed.TotalSeconds:0.0} s");
            lock (_stateGate) state.CompilerWarm = true;
        }
        catch (BackendBuildException ex)
        {
            _logs.Event($"Warm-up build of {plan.Project} failed (edits will still be built): {ex.Errors.Split('\n')[0]}", "WARN");
        }
        catch (OperationCanceledException) when (_reloads.IsCancellationRequested)
        {
            return;
        }
        bool pending;
        lock (_stateGate)
        {
            state.Running = false;
            pending = state.Pending && !_stopping;
            state.Pending = false;
        }
        SaveState();
        if (pending) await OnBurstAsync(plan, state, ["(changes during the compiler warm-up)"]).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts <paramref name="spec"/> on <paramref name="port"/>, waits until it is healthy, points the
    /// gateway at it, then stops the instance it replaces. Null on success; on failure the old one stays.
    /// </summary>
    private async Task<string?> ReplaceAsync(SupervisedProcess process, ProcessSpec spec, int port, CancellationToken cancellationToken)
    {
        var replacement = StartChild(WithPort(process, spec, port), out var failure);
        if (replacement is null) return failure;
        try
        {
            var health = await WaitReplacementHealthyAsync(process, replacement, port, cancellationToken).ConfigureAwait(false);
            if (health is not null)
            {
                await StopChildAsync(replacement, cancellationToken).ConfigureAwait(false);
                return health;
            }
        }
        catch (OperationCanceledException)
        {
            await StopChildAsync(replacement, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        // nginx already lists both ports (the configured one, and the spare as a backup): once the
        // old process stops, a refused connection moves each request to the other at once.
        var old = process.Child;
        await AdoptAsync(process, replacement, cancellationToken).ConfigureAwait(false);
        process.Port = port;
        if (old is not null) await StopChildAsync(old, cancellationToken).ConfigureAwait(false);
        _logs.Event($"{process.Name} now runs pid {replacement.Pid} on port {port}");
        return null;
    }

    private async Task<string?> WaitReplacementHealthyAsync(SupervisedProcess process, ChildProcess child, int port, CancellationToken cancellationToken)
    {
        using var probe = new HealthProbe();
        var target = HealthTarget.Instance(process.Name, child.Pid, port, _plan.ApiBaseUrl, process.Modules,
            () => child.HasExited ? $"the replacement of {process.Name} exited: {child.Exited.Result}" : null,
            listensItself: child.Spec.Argv[0] == _plan.Dotnet);
        var failures = await new HealthWaiter(probe, _plan.Health).WaitAllAsync([target], cancellationToken).ConfigureAwait(false);
        return failures.Count == 0 ? null : failures[0].Reason;
    }

    private async Task StopChildAsync(ChildProcess child, CancellationToken cancellationToken)
    {
        if (child.HasExited) return;
        var identity = ProcessIdentity.Capture(child.Pid) ?? new ProcessIdentity(child.Pid, 0, child.Spec.Argv);
        var request = new StopRequest(child.Spec.Name, identity, child.ProcessGroup, Posix.SIGTERM, SignalGroupGracefully: true);
        await ProcessTerminator.StopOneAsync(request, TimeSpan.FromSeconds(_plan.StopTimeoutSeconds), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The spec with every mention of the listening port moved to <paramref name="port"/>.</summary>
    private static ProcessSpec WithPort(SupervisedProcess process, ProcessSpec spec, int port)
    {
        var portText = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var env = new Dictionary<string, string>(spec.Environment)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{portText}",
            ["PORT"] = portText,
        };
        var argv = process.ArgvTemplate is { } template ? template.Select(a => a.Replace("{port}", portText, StringComparison.Ordinal)).ToList() : spec.Argv;
        return spec with { Argv = argv, Environment = env };
    }

    private void Record(WatchState state, Stopwatch clock, string result, string? error)
    {
        lock (_stateGate)
        {
            state.LastAt = DateTimeOffset.Now;
            state.LastSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2);
            state.LastResult = result;
            state.LastError = error;
        }
        _logs.Event($"Reload {result} in {clock.Elapsed.TotalSeconds:0.00} s{(error is null ? "" : $": {error}")}", error is null ? "INFO" : "ERROR");
        SaveState();
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

    private CompilerServer CompilerServer => new(_store.Paths, _plan.Dotnet);

    /// <summary>
    /// A watch build (the warm-up's too): on the deployment's compiler server, only to run, into one
    /// staging folder per project so MSBuild copies only what changed (instances never run from it).
    /// Returns the built dll there.
    /// </summary>
    private Task<string> WatchBuildAsync(WatchPlan plan, IReadOnlyList<string> extraProperties, CancellationToken cancellationToken) =>
        new BackendBuilder(_plan.Dotnet).BuildAsync(plan.Project!, Path.Combine(_store.Paths.Root, "builds", plan.Servers[0], "out"), cancellationToken,
            [.. CompilerServer.BuildProperties(), .. BackendBuilder.RunOnlyProperties, .. extraProperties], CompilerServer.BuildEnvironment);

    private void StopWatching()
    {
        _reloads.Cancel();
        foreach (var w in _watchers) w.Dispose();
        _watchers.Clear();
    }
}
