using System.Runtime.InteropServices;
using Orchestration.Config;
using Orchestration.Logs;

namespace Orchestration.Supervision;

/// <summary>
/// The supervisor process's main: <c>_build.dll Supervise --plan .local/plan.json</c>. Starts the
/// instances, answers the control socket, and on SIGTERM/SIGINT or a stop request ends everything.
/// </summary>
public static class SupervisorHost
{
    public const string Verb = "Supervise";

    public static async Task<int> RunAsync(string[] args)
    {
        var planPath = args.SkipWhile(a => a != "--plan").Skip(1).FirstOrDefault();
        if (planPath is null)
        {
            await Console.Error.WriteLineAsync("usage: Supervise --plan <plan.json>").ConfigureAwait(false);
            return 2;
        }
        var plan = SupervisorPlan.Load(planPath);
        var paths = new LocalPaths(plan.LocalDir);
        using var logs = new LogRouter(paths, plan.Logs);
        using var supervisor = new Supervisor(plan, logs);
        var stopTimeout = TimeSpan.FromSeconds(plan.StopTimeoutSeconds);
        using var server = new ControlServer(supervisor, logs, paths.ControlSocket, stopTimeout);
        logs.Event($"Supervisor started (pid {Environment.ProcessId}) for {plan.ConfigPath}");

        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => c.Cancel = true); // outlive the terminal

        // On record before anything is spawned, so a Stop or a rollback always finds this supervisor.
        supervisor.SaveState();
        // Spawn before answering: Start's first Status must see every instance's pid, not a 0 for one
        // still being spawned (which WaitHealthy reported as "could not be started").
        await supervisor.StartInstancesAsync(CancellationToken.None).ConfigureAwait(false);
        supervisor.StartMetrics();
        server.Start();
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
