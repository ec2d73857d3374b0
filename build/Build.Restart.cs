using BuildGraph;
using Orchestration.Config;
using Orchestration.Lifecycle;
using Orchestration.Supervision;
using Serilog;

/// <summary>Restart: rolling by default (no request fails), all at once on request or when it must be.</summary>
partial class Build
{
    [Parameter("Restart: stop everything, then start it (the gateway is down in between) instead of replacing instances in turn")]
    readonly bool AllAtOnce;

    [Parameter("Restart --server NAME: only this instance index of the server (0, 1, ...)")]
    readonly int? Instance;

    /// <summary>Set once a rolling restart replaced what was asked: Stop then has nothing to do, Start only reports.</summary>
    bool Rolled;

    Target Restart => _ => _
        .Description("Replace every instance in turn, health-gated, with no failed request (--server NAME [--instance N] for some; --all-at-once stops then starts)")
        .DependsOn(RollingRestart, Stop, Start);

    Target RollingRestart => _ => _
        .Unlisted()
        .Description("Restart's rolling path: new processes on spare ports, health-gated, then the old ones drain and stop (a changed config is applied as Apply does)")
        .DependsOn(ValidateConfig, EnsureNginx, BuildBackend, GenerateNginx)
        .Before(Stop)
        .Executes(async ct =>
        {
            LockDeployment();
            var names = RestartedInstances();
            var stack = await RunningStack.ReadAsync(Deployment.Paths, ct);
            if (!stack.SupervisorAlive)
            {
                if (Server is not null) throw new TargetFailedException($"Nothing of {Deployment.ConfigPath} is running, so --server {Server} has nothing to restart; run ./build.sh Start{ConfigArgument}");
                Log.Information("Nothing is running: Restart starts the stack");
                return;
            }
            if (DryRun) throw new TargetFailedException("--dry-run is for Apply and Scale; Restart replaces every instance it names");
            var configChanged = stack.State?.ConfigHash != ConfigFingerprint.Of(Deployment);
            if (configChanged && Server is not null)
                throw new TargetFailedException($"{Deployment.ConfigPath} changed since the stack started; --server restarts only what runs. Run ./build.sh Apply{ConfigArgument} to apply the change live, then Restart --server {Server}");
            if (configChanged && AllAtOnce)
            {
                Log.Warning("The config changed since the stack started: stopping and starting to apply it");
                return;
            }
            var running = SupervisorPlan.Load(Deployment.Paths.Plan);
            if (!AllAtOnce && running.Instances.Any(i => i.SparePort == 0))
            {
                if (Server is not null) throw new TargetFailedException($"The running stack was started without spare ports (an older version); run ./build.sh Restart{ConfigArgument} once first");
                Log.Warning("The running stack was started by an older version without spare ports: stopping and starting this once");
                return;
            }
            if (AllAtOnce && Server is null) return; // the whole stack: Stop, then Start
            // The tool itself changed since the supervisor started: the new supervisor carries out the restart.
            await ReplaceSupervisorIfChangedAsync(stack.State!, ct);
            if (AllAtOnce)
            {
                var client = new ControlClient(Deployment.Paths.ControlSocket);
                foreach (var name in names)
                {
                    var one = await client.SendAsync(new ControlRequest(ControlCommands.Restart, name, StopTimeout.TotalSeconds), StopTimeout + TimeSpan.FromSeconds(60), ct);
                    if (one is not { Ok: true }) throw new TargetFailedException($"Restart of {name} failed: {one?.Error ?? "the supervisor did not answer"}");
                }
                Rolled = true;
                return;
            }
            // A changed config is applied on the way (new servers started, removed ones drained), and
            // every named instance is replaced in turn, health-gated.
            if (configChanged) Log.Information("The config changed since the stack started: applying it while every instance is replaced");
            await ApplyAsync(names, "restart", ct);
            Rolled = true;
        });

    /// <summary>
    /// When the build program differs from the one the running supervisor runs, the supervisor
    /// replaces its own program with it in place (same pid; every instance and nginx keep running and
    /// serving) and takes its children on: it runs from a copy of this program under local_dir, as a
    /// started one does, so a later rebuild never pulls files from under it.
    /// </summary>
    async Task ReplaceSupervisorIfChangedAsync(Orchestration.State.DeploymentState state, CancellationToken ct)
    {
        var program = AppContext.BaseDirectory;
        var stamp = SupervisorProgram.StampOf(program);
        if (state.SupervisorProgram is not { } running)
        {
            Log.Warning("The running supervisor predates replacing itself in place: it keeps its program until ./build.sh Restart --all-at-once");
            return;
        }
        if (running.Stamp == stamp) return;
        var copy = SupervisorProgram.CopyFor(Deployment.Paths, stamp);
        Orchestration.IO.DirectoryMirror.Copy(program, copy);
        var (host, entry) = SupervisorProgram.ThisProgram();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var answer = await new ControlClient(Deployment.Paths.ControlSocket).SendAsync(
            new ControlRequest(ControlCommands.ReplaceSelf, Program: Path.Combine(copy, entry), Dotnet: host), TimeSpan.FromSeconds(90), ct);
        if (answer is not { Ok: true, State.SupervisorProgram: { } now })
            throw new TargetFailedException($"The supervisor was not replaced (it runs program {running.Stamp} on, and nothing else changed): {answer?.Error ?? "it did not answer"}");
        Log.Information("Supervisor (pid {Pid}) replaced its program in place: {Old} → {New}, hand-over {HandOver:0} ms after its exec ({Total:0.00} s with the new program's check); every process kept running",
            answer.State.Supervisor.Pid, running.Stamp, now.Stamp, now.HandOverMilliseconds, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The instances Restart replaces: all, a server's (--server), or one (--server, --instance), in config order.</summary>
    List<string> RestartedInstances()
    {
        var instances = Deployment.Instances.ToList();
        if (Server is null)
        {
            if (Instance is not null) throw new TargetFailedException($"--instance {Instance} needs --server NAME; servers: {string.Join(", ", Deployment.Servers.Select(s => s.Name))}");
            return instances.Select(i => i.Name).ToList();
        }
        var server = Deployment.Servers.FirstOrDefault(s => s.Name == Server)
            ?? throw new TargetFailedException($"--server {Server}: no such server in {Path.GetFileName(Deployment.ConfigPath)}. Servers: {string.Join(", ", Deployment.Servers.Select(s => s.Name))}");
        if (Instance is { } index && (index < 0 || index >= server.Instances))
            throw new TargetFailedException($"--instance {index}: {server.Name} has {server.Instances} instance(s), numbered 0 to {server.Instances - 1}");
        return instances.Where(i => i.Server.Name == server.Name && (Instance is null || i.Index == Instance)).Select(i => i.Name).ToList();
    }
}
