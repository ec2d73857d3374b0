using System.Diagnostics;
using Orchestration.IO;
using Orchestration.Processes;
using Orchestration.State;

namespace Orchestration.Supervision;

/// <summary>
/// The supervisor replaces its own program without dropping a request (issue 12): between
/// operations, under the gate, it execve()s the new build of the tool in place. The pid stays, so
/// every instance and nginx stay its children, the pid file stays true, and nothing that serves
/// requests is touched. The pipes it reads the children's output from and its control socket survive
/// the exec (FD_CLOEXEC cleared); <c>handover.json</c> says which child each descriptor belongs to,
/// and the new program takes each child on (reads its pipes, reaps it with waitpid) and answers the
/// request that asked for it.
/// </summary>
/// <remarks>
/// Chosen over a new supervisor process that receives the descriptors over the socket
/// (SCM_RIGHTS) and makes itself a subreaper: that one would not be the children's parent (their
/// exits reach it only through the subreaper's orphan adoption, and only once the old supervisor has
/// exited), its pid would change under the pid file, and a crash between the two would leave
/// children nobody reaps. With exec in place there is always exactly one supervisor.
/// </remarks>
public sealed partial class Supervisor
{
    private static readonly TimeSpan PreflightDeadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan WatchIdleDeadline = TimeSpan.FromSeconds(120);

    private SupervisorProgramRecord _program = new() { Stamp = "", Directory = "" };

    /// <summary>The stamp of the program this supervisor runs.</summary>
    public string ProgramStamp => _program.Stamp;

    private void RecordProgram() =>
        _program = new SupervisorProgramRecord { Stamp = SupervisorProgram.StampOf(AppContext.BaseDirectory), Directory = AppContext.BaseDirectory };

    /// <summary>
    /// Replaces this process's program with <paramref name="program"/> (run by <paramref name="dotnet"/>, or itself a native executable when null):
    /// proves first that the new program starts and reads the hand-over, then stops reading the
    /// children's pipes, writes the hand-over and executes it. Returns only when the hand-over did not
    /// happen (why not); then everything goes on as before.
    /// </summary>
    /// <param name="listenerFd">The control socket's listener, kept across the exec.</param>
    /// <param name="replyFd">The asking connection: the new program answers it.</param>
    public async Task<string?> ReplaceSelfAsync(string? dotnet, string program, int listenerFd, int replyFd, CancellationToken cancellationToken)
    {
        if (!File.Exists(program)) return $"{program} does not exist";
        if (_context.Stopping) return "the stack is stopping";
        // A watch build in progress would be cut short (its dotnet process left to the new program to reap).
        await Poll.UntilAsync(() => !_watch.Busy, WatchIdleDeadline, TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        return await OperationAsync("replace-supervisor", $"program {_program.Stamp} → {Path.GetDirectoryName(program)}", async () =>
        {
            var path = _context.Paths.HandOver;
            var draft = HandOverNow(program, listenerFd, replyFd, frozen: null);
            draft.Save(path);
            var preflight = await PreflightAsync(dotnet, program, path, cancellationToken).ConfigureAwait(false);
            if (preflight is not null)
            {
                File.Delete(path);
                return preflight;
            }

            var argv = SupervisorProgram.Command(dotnet, program, SupervisorHost.Verb, "--plan", _context.Paths.Plan, "--handover", path);
            var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");

            // From here on nothing more is read from the children's pipes until the new program does.
            List<SupervisedProcess> processes;
            lock (_context.StateGate) processes = [.. _context.Processes];
            var frozen = new Dictionary<SupervisedProcess, ChildPipes>();
            string? error;
            try
            {
                foreach (var p in processes)
                {
                    if (p.Child?.FreezeForHandOver() is { } pipes) frozen[p] = pipes;
                }
                Posix.SetCloseOnExec(listenerFd, false);
                Posix.SetCloseOnExec(replyFd, false);
                var handOver = HandOverNow(program, listenerFd, replyFd, frozen) with { ExecutedAt = DateTimeOffset.Now };
                handOver.Save(path);
                Logs.Event($"Handing over to {program} (pid {Environment.ProcessId} stays; {frozen.Count} children with their pipes)");
                Logs.Flush();
                // A SIGTERM that came meanwhile began a stop, which waits for the gate: it wins, the hand-over is off.
                // (One after this check is held back across the exec and handled by the new program.)
                error = _context.Stopping ? "a stop was asked for meanwhile" : Posix.Exec(argv[0], argv, environment); // returns only when the exec failed
            }
            catch (IOException ex)
            {
                error = ex.Message;
            }
            // Not handed over: this program goes on reading and answering.
            foreach (var p in frozen.Keys) p.Child?.ResumeAfterHandOver();
            Posix.SetCloseOnExec(listenerFd, true);
            Posix.SetCloseOnExec(replyFd, true);
            File.Delete(path);
            return $"the supervisor did not execute {program}: {error}";
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the new program on the hand-over file without taking anything on: it starts, and it reads this file.</summary>
    private async Task<string?> PreflightAsync(string? dotnet, string program, string handOverPath, CancellationToken cancellationToken)
    {
        var command = SupervisorProgram.Command(dotnet, program, SupervisorHost.Verb, "--plan", _context.Paths.Plan, "--handover", handOverPath, "--check");
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in command.Skip(1)) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(PreflightDeadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return $"the new program did not answer its check within {PreflightDeadline.TotalSeconds:0} s; the supervisor keeps running the old one";
        }
        if (process.ExitCode == 0) return null;
        return $"the new program refused the hand-over (exit code {process.ExitCode}); the supervisor keeps running the old one:\n  " +
            string.Join("\n  ", ((await output.ConfigureAwait(false)) + (await errors.ConfigureAwait(false))).Trim().Split('\n').TakeLast(15));
    }

    private HandOver HandOverNow(string program, int listenerFd, int replyFd, IReadOnlyDictionary<SupervisedProcess, ChildPipes>? frozen)
    {
        lock (_context.StateGate)
        {
            foreach (var p in _context.Processes) p.RefreshIdentity();
            return new HandOver
            {
                SupervisorPid = Environment.ProcessId,
                SupervisorStartedAt = _startedAt,
                FromProgram = _program.Stamp,
                ToProgram = program,
                Replacements = _program.Replacements + 1,
                ListenerFd = listenerFd,
                ReplyFd = replyFd,
                AutoRestart = _context.AutoRestart,
                NginxConfigHash = _nginx.ConfigHashRead,
                Operation = _operation,
                Processes = _context.Processes.Select(p => HandedOver(p, frozen)).ToList(),
            };
        }
    }

    private static HandedOverProcess HandedOver(SupervisedProcess p, IReadOnlyDictionary<SupervisedProcess, ChildPipes>? frozen)
    {
        HandedOverChild? child = null;
        if (p.Child is { HasExited: false } running && p.Identity is { StartTicks: > 0 } identity)
        {
            var pipes = frozen?.GetValueOrDefault(p);
            child = new HandedOverChild
            {
                Pid = running.Pid, StartTicks = identity.StartTicks, Executable = identity.Executable, Argv = identity.Argv,
                StdoutFd = pipes?.StdoutFd ?? -1, StderrFd = pipes?.StderrFd ?? -1,
                StdoutPartial = pipes?.StdoutPartial ?? [], StderrPartial = pipes?.StderrPartial ?? [],
            };
        }
        return new HandedOverProcess
        {
            Spec = p.Spec, Kind = p.Kind, Server = p.Server, Port = p.Port, ConfiguredPort = p.ConfiguredPort, SparePort = p.SparePort, SocketHandOff = p.SocketHandOff,
            Modules = p.Modules, ArgvTemplate = p.ArgvTemplate, Status = p.Status, Restarts = p.Restarts, UnstableStarts = p.Crashes.UnstableStarts,
            StartedAt = p.StartedAt, Detached = p.Detached, ExitCode = p.LastExit?.ExitCode, ExitedAt = p.LastExit?.ExitedAt, Child = child,
        };
    }

    /// <summary>The processes as handed over, before their children are taken on (<see cref="TakeOver"/>).</summary>
    private void AddHandedOver(HandOver handOver)
    {
        foreach (var h in handOver.Processes)
        {
            var process = new SupervisedProcess(h.Spec, h.Kind, h.Server, h.ConfiguredPort, h.Modules, _context.NewCrashPolicy(h.UnstableStarts))
            {
                SparePort = h.SparePort, SocketHandOff = h.SocketHandOff, ArgvTemplate = h.ArgvTemplate, Port = h.Port, Status = h.Status, Restarts = h.Restarts,
                StartedAt = h.StartedAt, Detached = h.Detached,
                LastExit = h.ExitCode is { } code ? new ChildExit(code, h.ExitedAt ?? DateTimeOffset.Now) : null,
            };
            _context.Processes.Add(process);
        }
    }

    /// <summary>
    /// The new program's first step after a hand-over: takes on every child that is still the one
    /// handed over (pid, start time, and still ours), reads its pipes, reaps whatever else the old
    /// program left, restarts what was down, and answers the request that asked for the hand-over.
    /// </summary>
    public void TakeOver(HandOver handOver)
    {
        var clock = Stopwatch.StartNew();
        var me = Environment.ProcessId;
        List<SupervisedProcess> processes;
        lock (_context.StateGate) processes = [.. _context.Processes];
        var adopted = new HashSet<int>();
        var down = new List<SupervisedProcess>();
        foreach (var (process, h) in processes.Zip(handOver.Processes))
        {
            if (h.Child is not { } c)
            {
                if (!h.Detached && h.Status is ProcessStatus.Restarting or ProcessStatus.Exited or ProcessStatus.Starting) down.Add(process);
                continue;
            }
            if (ProcInfo.Read(c.Pid) is { } info && info.StartTicks == c.StartTicks && info.ParentPid == me)
            {
                var name = process.Name;
                ChildProcess child;
                try
                {
                    child = ChildProcess.Adopt(process.Spec, c.Pid, c.Pipes, line => Logs.Write(name, line));
                }
                catch (IOException ex)
                {
                    // Its pipes did not come along: it is still ours to reap and to stop, its output is lost.
                    Logs.Event($"{name} (pid {c.Pid}): its output pipes could not be taken over ({ex.Message}); its lines no longer reach the logs until it is restarted", "ERROR");
                    child = ChildProcess.Adopt(process.Spec, c.Pid, null, _ => { });
                }
                _runner.TakeOver(process, child, c.Identity);
                adopted.Add(c.Pid);
            }
            else
            {
                // Gone between the old program's last look and now (reaped by its runtime): a crash like any other.
                foreach (var fd in new[] { c.StdoutFd, c.StderrFd }.Where(fd => fd >= 0)) Posix.Close(fd);
                lock (_context.StateGate)
                {
                    process.Status = ProcessStatus.Exited;
                    process.LastExit = new ChildExit(255, DateTimeOffset.Now);
                }
                Logs.Event($"{process.Name} (pid {c.Pid}) ended during the hand-over", "ERROR");
                down.Add(process);
            }
        }
        ReapLeftovers(adopted);
        _nginx.TakeOver(handOver.NginxConfigHash);
        var now = DateTimeOffset.Now;
        _program = _program with
        {
            Replacements = handOver.Replacements,
            ReplacedAt = now,
            ReplacedFrom = handOver.FromProgram,
            HandOverMilliseconds = Math.Round((now - handOver.ExecutedAt).TotalMilliseconds, 1),
        };
        lock (_context.StateGate) _operation = handOver.Operation is { } op ? op with { FinishedAt = now } : null;
        Logs.Event($"Took over {adopted.Count} children from program {handOver.FromProgram} (pid {me} kept) in {_program.HandOverMilliseconds:0} ms since its exec " +
            $"({clock.Elapsed.TotalMilliseconds:0} ms here); now running program {_program.Stamp}");
        if (handOver.AutoRestart)
        {
            _context.EnableAutoRestart();
            if (_context.Plan.Watch.Count > 0) _watch.Start();
            foreach (var p in down) _ = _runner.RestartAfterHandOverAsync(p);
        }
        SaveState();
    }

    /// <summary>
    /// A child of the old program that is none of the stack's (a check it ran, a watch build cut
    /// short) is ours to reap now: the runtime reaps only the processes it started itself.
    /// </summary>
    private void ReapLeftovers(HashSet<int> adopted)
    {
        var me = Environment.ProcessId;
        foreach (var pid in ProcInfo.AllPids())
        {
            if (adopted.Contains(pid) || ProcInfo.Read(pid) is not { } info || info.ParentPid != me) continue;
            Logs.Event($"pid {pid} ({info.CommandLine}) was a child of the previous program: reaped when it ends", "WARN");
            new Thread(() => Posix.WaitForChild(pid)) { IsBackground = true, Name = $"reap {pid}" }.Start();
        }
    }
}
