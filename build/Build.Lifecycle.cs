using BuildGraph;
using Orchestration.Config;
using Orchestration.Health;
using Orchestration.Lifecycle;
using Orchestration.Logs;
using Orchestration.Nginx;
using Orchestration.Processes;
using Orchestration.Supervision;
using Serilog;

/// <summary>The guide's start graph: ValidatePorts → GenerateNginx → StartServers → WaitHealthy → StartNginx → Start.</summary>
partial class Build
{
    [Parameter("Seconds to wait after SIGTERM before SIGKILL (default: the config's stop_timeout, 3)")]
    readonly double? Timeout;

    bool AlreadyRunning;
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
            try
            {
                AlreadyRunning = await StartPreflight.RunAsync(Deployment, StopTimeout, message => Log.Warning("{Message}", message), ct);
            }
            catch (StartRefusedException ex)
            {
                throw new TargetFailedException(ex.Message);
            }
            if (AlreadyRunning) return;
            Log.Information("All {Count} ports are free", Deployment.Ports.Count());
        });

    Target BuildBackend => _ => _
        .Description("Build the .NET project of each server (skipped when nothing changed)")
        .DependsOn(ValidateConfig)
        .Executes(async ct =>
        {
            var builder = new BackendBuilder(Dotnet);
            foreach (var project in Deployment.Servers.Where(s => s.IsDotNetProject && s.Project is not null).Select(s => s.Project!).Distinct())
            {
                var built = await builder.EnsureBuiltAsync(project, ct);
                foreach (var server in Deployment.Servers.Where(s => s.Project == project)) BuiltBackends[server.Name] = built.TargetPath;
                Log.Information("{Project}: {What}", Path.GetRelativePath(RootDirectory, project), built.WasUpToDate ? "up to date" : "built");
            }
        });

    Target StartServers => _ => _
        .Description("Start every instance under one detached supervisor")
        .DependsOn(ValidatePorts, GenerateNginx, EnsureNginx, BuildBackend)
        .Triggers(RollbackStart)
        .OnlyWhenDynamic(() => !AlreadyRunning)
        .Executes(async ct =>
        {
            var errorLogFlag = NginxVersion.SupportsErrorLogFlag(await NginxVersion.ProbeAsync(NginxBinary!, ct));
            var backends = PlanBuilder.RunFromCopies(Deployment.Paths, BuiltBackends);
            var plan = PlanBuilder.Build(Deployment, NginxBinary!, backends, Dotnet, errorLogFlag, Spares);
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
            var state = (await Supervisor!.SendAsync(new ControlRequest(ControlCommands.Status), TimeSpan.FromSeconds(5), ct))?.State
                ?? throw new TargetFailedException("The supervisor stopped answering");
            using var probe = new HealthProbe();
            var targets = state.Processes.Select(p => new HealthTarget(
                p.Name,
                p.Modules.Select(m => HealthUrls.For($"http://127.0.0.1:{p.Port}", Deployment.ApiBaseUrl, m)).ToList(),
                () => ProcInfo.IsRunning(p.Pid) ? null : p.Pid == 0 ? $"{p.Name} could not be started" : $"{p.Name} (pid {p.Pid}) exited during the health wait"));
            var failures = await new HealthWaiter(probe, Deployment.Health).WaitAllAsync(targets, ct);
            if (failures.Count == 0)
            {
                Log.Information("All {Count} instances healthy", state.Processes.Count);
                return;
            }
            // The supervisor records an exit once it has written the process's last lines: wait for that.
            foreach (var name in failures.Where(f => f.ProcessExited).Select(f => f.Name))
                await WaitExitRecordedAsync(name, ct);
            throw new TargetFailedException(string.Join("\n", failures.Select(f =>
                $"{f.Reason}\n  last lines of {Deployment.Paths.LogFor(f.Name)}:\n    " +
                string.Join("\n    ", LogFiles.LastLines(Deployment.Paths.LogFor(f.Name), 20)))));
        });

    Target StartNginx => _ => _
        .Description("Start the nginx gateway and check every module through it")
        .DependsOn(WaitHealthy)
        .OnlyWhenDynamic(() => !AlreadyRunning)
        .Executes(async ct =>
        {
            var answer = await Supervisor!.SendAsync(new ControlRequest(ControlCommands.StartNginx), TimeSpan.FromSeconds(15), ct);
            if (answer is not { Ok: true })
                throw new TargetFailedException($"nginx did not start: {answer?.Error ?? "no answer"}\n    " +
                    string.Join("\n    ", LogFiles.LastLines(Deployment.Paths.NginxErrorLog, 20)));
            await CheckThroughGatewayAsync(ct);
            await Supervisor.SendAsync(new ControlRequest(ControlCommands.Started), TimeSpan.FromSeconds(5), ct);
        });

    Target Start => _ => _
        .Description("Start the whole stack (detached) and wait until it is healthy")
        .DependsOn(StartNginx)
        .Executes(async ct =>
        {
            var report = await new StatusCommand(Deployment).RunAsync(ct);
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

    Target Restart => _ => _
        .Description("Stop, then Start again (reusing what is built)")
        .DependsOn(Stop, Start);

    async Task WaitExitRecordedAsync(string name, CancellationToken ct)
    {
        for (var i = 0; i < 50; i++)
        {
            var state = (await Supervisor!.SendAsync(new ControlRequest(ControlCommands.Status), TimeSpan.FromSeconds(2), ct))?.State;
            if (state?.Processes.FirstOrDefault(p => p.Name == name) is not { Status: Orchestration.State.ProcessStatus.Starting or Orchestration.State.ProcessStatus.Running }) return;
            await Task.Delay(20, ct);
        }
    }

    /// <summary>One Start, Stop or Restart at a time per deployment; held until this process ends.</summary>
    void LockDeployment()
    {
        try
        {
            DeploymentLock ??= StartLock.Acquire(Deployment.Paths);
        }
        catch (InvalidOperationException ex)
        {
            throw new TargetFailedException(ex.Message);
        }
    }

    async Task CheckThroughGatewayAsync(CancellationToken ct)
    {
        using var probe = new HealthProbe();
        var host = Deployment.Nginx.Listen is "0.0.0.0" or "*" ? "127.0.0.1" : Deployment.Nginx.Listen;
        var modules = Deployment.Servers.SelectMany(s => s.Modules).Distinct().ToList();
        var target = new HealthTarget("gateway", modules.Select(m => HealthUrls.For($"http://{host}:{Deployment.Nginx.Port}", Deployment.ApiBaseUrl, m)).ToList(), () => null);
        var failures = await new HealthWaiter(probe, Deployment.Health with { Attempts = 10, IntervalSeconds = 0.5 }).WaitAllAsync([target], ct);
        if (failures.Count > 0) throw new TargetFailedException("The gateway does not route every module: " + failures[0].Reason);
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
