using Orchestration.Builds;
using BuildGraph;
using Orchestration.Config;
using Orchestration.Health;
using Orchestration.Lifecycle;
using Orchestration.Logs;
using Orchestration.Nginx;
using Orchestration.Packages;
using Orchestration.Processes;
using Orchestration.Supervision;
using Serilog;

/// <summary>The guide's start graph: ValidatePorts → GenerateNginx → StartServers → WaitHealthy → StartNginx → Start.</summary>
partial class Build
{
    [Parameter("Seconds to wait after SIGTERM before SIGKILL (default: the config's stop_timeout, 3)")]
    readonly double? Timeout;

    bool AlreadyRunning;

    /// <summary>Set when the running stack was started from an older version of the config: Start applies the change live.</summary>
    bool RunningOlderConfig;
    bool StartedThisRun;
    ControlClient? Supervisor;
    StartLock? DeploymentLock;

    TimeSpan StopTimeout => TimeSpan.FromSeconds(Timeout ?? Deployment.StopTimeout);

    Target ValidatePorts => _ => _
        .Description("Check every port is free: report a foreign holder, clean our own leftovers")
        .DependsOn(ValidateConfig)
        .After(Stop)
        .Executes(async ct =>
        {
            LockDeployment();
            var found = await Refusable(() => StartPreflight.RunAsync(Deployment, StopTimeout, message => Log.Warning("{Message}", message), ct));
            AlreadyRunning = found != Preflight.PortsFree;
            RunningOlderConfig = found == Preflight.RunningOlderConfig;
            if (AlreadyRunning) return;
            Log.Information("All {Count} ports are free", Deployment.Ports.Count());
        });

    Target BuildBackend => _ => _
        .Description("Build the .NET project of each server (skipped when nothing changed)")
        .DependsOn(ValidateConfig)
        .Executes(async ct =>
        {
            var builder = new BackendBuilder(Dotnet);
            var publisher = new AotPublisher(Dotnet, token => PublishChoice.EnsureToolchainAsync(PackageInstaller.ForThisMachine(line => Log.Information("{Line}", line)), token));
            var servers = Deployment.Servers.Where(s => s.IsDotNetProject && s.Project is not null).Select(s => (Server: s, Choice: PublishChoice.For(s)));
            foreach (var group in servers.GroupBy(s => (Project: s.Server.Project!, s.Choice.Native)))
            {
                var project = Path.GetRelativePath(RootDirectory, group.Key.Project);
                foreach (var (server, choice) in group)
                    Log.Information("{Server}: {Mode} ({Reason})", server.Name, choice.Native ? "Native AOT" : "JIT", choice.Reason);
                string target;
                if (group.Key.Native)
                {
                    var published = await publisher.EnsurePublishedAsync(group.Key.Project, ct, line => Log.Information("{Line}", line));
                    foreach (var warning in published.Warnings) Log.Warning("{Warning}", warning);
                    target = published.Binary;
                    Log.Information("{Project}: Native AOT {What}, binary {Size:0.0} MB ({Binary})", project,
                        published.WasUpToDate ? "up to date" : $"published in {published.CompileTime.TotalSeconds:0.0} s", published.Size / 1048576.0,
                        Path.GetRelativePath(RootDirectory, published.Binary));
                }
                else
                {
                    var built = await builder.EnsureBuiltAsync(group.Key.Project, ct);
                    target = built.TargetPath;
                    Log.Information("{Project}: {What}", project, built.WasUpToDate ? "up to date" : "built");
                }
                foreach (var (server, _) in group) BuiltBackends[server.Name] = target;
            }
        });

    Target StartServers => _ => _
        .Description("Start every instance under one detached supervisor")
        .DependsOn(ValidatePorts, GenerateNginx, EnsureNginx, BuildBackend)
        .Triggers(RollbackStart)
        .OnlyWhenDynamic(() => !AlreadyRunning)
        .Executes(async ct =>
        {
            var plan = await BuildPlanAsync(ct);
            StartedThisRun = true;
            Supervisor = await SupervisorLauncher.ForThisProgram(Deployment.Paths).LaunchAsync(plan, ct);
            Log.Information("Supervisor up; {Count} instances spawned", plan.Instances.Count);
        });

    Target WaitHealthy => _ => _
        .Description("Wait until every module of every instance answers its health check")
        .DependsOn(StartServers)
        .OnlyWhenDynamic(() => !AlreadyRunning)
        .Executes(async ct =>
        {
            var healthy = await Refusable(() => new StartupHealth(Deployment, Supervisor!).WaitInstancesAsync(ct));
            Log.Information("All {Count} instances healthy", healthy);
        });

    Target StartNginx => _ => _
        .Description("Start the nginx gateway and check every module through it")
        .DependsOn(WaitHealthy, WriteSpecs)
        .OnlyWhenDynamic(() => !AlreadyRunning)
        .Executes(async ct =>
        {
            var answer = await Supervisor!.SendAsync(new ControlRequest(ControlCommands.StartNginx), TimeSpan.FromSeconds(15), ct);
            if (answer is not { Ok: true })
                throw new TargetFailedException($"nginx did not start: {answer?.Error ?? "no answer"}\n    " +
                    string.Join("\n    ", LogFiles.LastLines(Deployment.Paths.NginxErrorLog, 20)));
            await Refusable(async () => { await new StartupHealth(Deployment, Supervisor).CheckGatewayAsync(ct); return 0; });
            await Supervisor.SendAsync(new ControlRequest(ControlCommands.Started), TimeSpan.FromSeconds(5), ct);
        });

    Target Start => _ => _
        .Description("Start the whole stack (detached) and wait until it is healthy")
        .DependsOn(StartNginx)
        .Executes(async ct =>
        {
            if (RunningOlderConfig && !Rolled)
            {
                Log.Information("A stack of this deployment runs an earlier version of {Config}: applying the change live", Path.GetFileName(Deployment.ConfigPath));
                await ApplyAsync([], "apply", ct);
            }
            var report = await new StatusCommand(Deployment).RunAsync(ct);
            if (Rolled)
            {
                Log.Information("Restarted without stopping: every instance replaced in turn, the gateway kept serving");
                PrintStarted(report);
                return;
            }
            if (AlreadyRunning)
            {
                if (report.Overall != StackHealth.Running)
                    throw new TargetFailedException($"A stack of this deployment is running but {report.Overall.ToString().ToLowerInvariant()}; see ./build.sh Status, or run ./build.sh Restart");
                Log.Information("Already running and healthy: {Url}", report.GatewayUrl);
                return;
            }
            PrintStarted(report);
        });

    Target RollbackStart => _ => _
        .Unlisted()
        .Description("Stop what a failed Start started")
        .AssuredAfterFailure()
        .After(Start)
        .OnlyWhenDynamic(() => StartedThisRun && !IsSucceeding)
        .Executes(async ct =>
        {
            Log.Warning("Start failed: stopping what it started");
            var result = await new StopCommand(Deployment.Paths).RunAsync(StopTimeout, CancellationToken.None);
            if (!result.Report.Clean) Log.Error("Rollback left something behind: {What}", result.Report.Describe());
        });

    Target Stop => _ => _
        .Description("Stop nginx and every instance (graceful, then forced after --timeout); verify ports are free")
        .DependsOn(ValidateConfig)
        .OnlyWhenDynamic(() => !Rolled)
        .Executes(async ct =>
        {
            LockDeployment();
            var result = await new StopCommand(Deployment.Paths).RunAsync(StopTimeout, ct);
            if (!result.WasRunning)
            {
                Log.Information("Nothing is running for {Config}", Deployment.ConfigPath);
                return;
            }
            foreach (var o in result.Report.Outcomes.Where(o => o.Result != StopResult.NotRunning))
                Log.Information("{Name,-12} pid {Pid,-7} {Result} in {Ms:0} ms", o.Name, o.Pid, o.Result, o.Elapsed.TotalMilliseconds);
            if (!result.Report.Clean) throw new TargetFailedException("Stop left something running: " + result.Report.Describe());
            Log.Information("Stopped; every port is free");
        });

    /// <summary>Everything the supervisor runs, resolved from the config, the builds and the spare ports.</summary>
    async Task<SupervisorPlan> BuildPlanAsync(CancellationToken ct)
    {
        var errorLogFlag = NginxVersion.SupportsErrorLogFlag(await NginxVersion.ProbeAsync(NginxBinary!, ct));
        var backends = PlanBuilder.RunFromCopies(Deployment.Paths, BuiltBackends);
        return PlanBuilder.Build(Deployment, NginxBinary!, backends, Dotnet, errorLogFlag, Spares) with
        {
            Specs = Deployment.Specs.Enabled ? SpecsLayout(NginxWorkersOrFail()) : null,
        };
    }

    /// <summary>One Start, Stop or Restart at a time per deployment; held until this process ends.</summary>
    void LockDeployment() => DeploymentLock ??= Refusable(() => StartLock.Acquire(Deployment.Paths));

    /// <summary>A step's refusal is the target's failure, shown as its message alone (no stack trace).</summary>
    static T Refusable<T>(Func<T> step)
    {
        try
        {
            return step();
        }
        catch (RefusedException ex)
        {
            throw new TargetFailedException(ex.Message);
        }
    }

    static async Task<T> Refusable<T>(Func<Task<T>> step)
    {
        try
        {
            return await step();
        }
        catch (RefusedException ex)
        {
            throw new TargetFailedException(ex.Message);
        }
    }

    void PrintStarted(StatusReport report)
    {
        Log.Information("Gateway: {Url}{Base}/core/docs", report.GatewayUrl, Deployment.ApiBaseUrl);
        foreach (var row in report.Processes.Where(p => p.Kind == Orchestration.State.ProcessKind.Instance))
            Log.Information("  {Name,-12} http://127.0.0.1:{Port}  modules {Modules}  pid {Pid}  log {Log}",
                row.Name, row.Port, string.Join(",", row.Modules.Select(m => m.Module)), row.Pid, Path.GetRelativePath(Environment.CurrentDirectory, row.Log ?? ""));
        Log.Information("Logs: {Log}; stop with ./build.sh Stop{Config}", Path.GetRelativePath(Environment.CurrentDirectory, Deployment.Paths.UnifiedLog), ConfigArgument);
    }
}
