using System.Net.Sockets;
using System.Runtime.InteropServices;
using Orchestration.Config;
using Orchestration.Logs;
using Orchestration.Processes;

namespace Orchestration.Supervision;

/// <summary>
/// The supervisor process's main: <c>_build.dll Supervise --plan .local/plan.json</c>. Starts the
/// instances, answers the control socket, and on SIGTERM/SIGINT or a stop request ends everything.
/// </summary>
public static class SupervisorHost
{
    public const string Verb = "Supervise";

    /// <summary>
    /// Runtime settings the launcher gives the supervisor (unless the caller's environment sets them): its work
    /// is a burst at Start (32 spawns, their first output, a few requests) and then little, so re-compiling its
    /// methods at tier 1 after 30 calls, with an instrumented tier first, is CPU spent while the instances need
    /// the cores. Measured standalone with 32 instances: 0.96-1.01 s of CPU in its first 3 s by default,
    /// 0.49-0.50 s with these (0.80-0.93 s with TieredPGO=0 alone). A method called 1000 times still gets tier 1.
    /// </summary>
    public static readonly IReadOnlyList<(string Name, string Value)> RuntimeKnobs =
        [("DOTNET_TieredPGO", "0"), ("DOTNET_TC_CallCountThreshold", "1000")];

    /// <summary>Names the knobs the launcher added, so the supervisor takes them out before it spawns anything.</summary>
    public const string KnobsVariable = "ORCHESTRATION_SUPERVISOR_KNOBS";

    public static async Task<int> RunAsync(string[] args)
    {
        var planPath = args.SkipWhile(a => a != "--plan").Skip(1).FirstOrDefault();
        if (planPath is null)
        {
            await Console.Error.WriteLineAsync("usage: Supervise --plan <plan.json>").ConfigureAwait(false);
            return 2;
        }
        // The instances (and nginx) inherit this environment: the supervisor's own runtime settings stop here.
        foreach (var name in (Environment.GetEnvironmentVariable(KnobsVariable) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Append(KnobsVariable))
            Environment.SetEnvironmentVariable(name, null);
        var plan = SupervisorPlan.Load(planPath);
        var handOverPath = args.SkipWhile(a => a != "--handover").Skip(1).FirstOrDefault();
        var handOver = handOverPath is null ? null : HandOver.Load(handOverPath);
        if (args.Contains("--check"))
        {
            // The old program asks whether this one starts and reads its hand-over before it executes it.
            if (handOver is null) return 2;
            await Console.Out.WriteLineAsync($"hand-over of {handOver.Processes.Count} processes readable").ConfigureAwait(false);
            return 0;
        }
        var paths = new LocalPaths(plan.LocalDir);
        using var logs = new LogRouter(paths, plan.Logs);
        using var supervisor = new Supervisor(plan, logs, handOver);
        var stopTimeout = TimeSpan.FromSeconds(plan.StopTimeoutSeconds);
        using var server = new ControlServer(supervisor, logs, paths.ControlSocket, stopTimeout);
        logs.Event(handOver is null
            ? $"Supervisor started (pid {Environment.ProcessId}) for {plan.ConfigPath}"
            : $"Supervisor's program replaced in place (pid {Environment.ProcessId}): {AppContext.BaseDirectory}");

        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => c.Cancel = true); // outlive the terminal

        if (handOver is not null)
        {
            // Nothing here may end this process: every instance and nginx are its children now.
            supervisor.TakeOver(handOver);
            // Exec'd with these blocked (a SIGTERM meanwhile is pending, not fatal); now that every child
            // is ours again a stop reaches them all.
            Posix.UnblockStopSignals();
            try
            {
                server.Start(handOver.ListenerFd);
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
                logs.Event($"The handed-over control socket could not be served ({ex.Message}): listening anew", "WARN");
                server.Start();
            }
            if (handOver.ReplyFd >= 0) await server.AnswerAsync(handOver.ReplyFd, ControlResponse.Success(supervisor.Snapshot())).ConfigureAwait(false);
            try
            {
                File.Delete(handOverPath!);
                SupervisorProgram.RemoveOtherCopies(paths, AppContext.BaseDirectory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logs.Event($"Cleaning up after the hand-over: {ex.Message}", "WARN");
            }
        }
        else
        {
            // On record before anything is spawned, so a Stop or a rollback always finds this supervisor.
            supervisor.SaveState();
            // Spawn before answering: Start's first Status must see every instance's pid, not a 0 for one
            // still being spawned (which WaitHealthy reported as "could not be started").
            await supervisor.StartInstancesAsync(CancellationToken.None).ConfigureAwait(false);
            server.Start();
        }
        supervisor.StartMetrics();
        try
        {
            await Task.Delay(Timeout.Infinite, supervisor.Stopped).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await server.DrainAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false); // the stop's answer reaches its client
        return 0;

        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            logs.Event($"Received {context.Signal}: stopping everything");
            _ = supervisor.StopAllAsync(stopTimeout, CancellationToken.None);
        }
    }
}
