using System.Diagnostics;
using BuildGraph;
using Orchestration.Config;
using Orchestration.IO;
using Orchestration.Lifecycle;
using Orchestration.Nginx;
using Orchestration.Supervision;
using Serilog;

/// <summary>Live changes to a running stack: Apply (the config as it is now) and Scale (one server's instance count).</summary>
partial class Build
{
    [Parameter("Apply, Scale: print the plan of the change and change nothing")]
    readonly bool DryRun;

    [Parameter("Scale --server NAME --instances N: how many instances the server runs from now on")]
    readonly int? Instances;

    /// <summary>Scale: the config's text with the new count; ValidateConfig loads it, and it is written once applied.</summary>
    string? ScaledConfigText;

    Target Apply => _ => _
        .Description("Bring the running stack to the config with no failed request: new instances health-gated before they are routed, changed ones replaced rolling, the gateway reloaded, removed ones drained (--dry-run prints the plan)")
        .DependsOn(ValidateConfig, EnsureNginx, BuildBackend, GenerateNginx)
        .Executes(ct => ApplyAsync([], "apply", ct));

    Target Scale => _ => _
        .Description("Run --instances N of --server NAME, live: new ones health-gated before they are routed, removed ones drained; then writes instances: N into the config")
        .DependsOn(ScaleConfig, ValidateConfig, EnsureNginx, BuildBackend, GenerateNginx)
        .Executes(async ct =>
        {
            if (!RunningStack.IsUp(Deployment.Paths))
            {
                if (DryRun) Log.Information("Nothing of {Config} is running: Scale would only write instances: {Count} into it", Path.GetFileName(ConfigPath), Instances);
                else
                {
                    AtomicFile.WriteAllText(ConfigPath, ScaledConfigText!);
                    Log.Information("Nothing of {Config} is running: wrote servers.{Server}.instances: {Count} into it; ./build.sh Start{Argument} runs them",
                        Path.GetFileName(ConfigPath), Server, Instances, ConfigArgument);
                }
                return;
            }
            await ApplyAsync([], "scale", ct);
            if (DryRun) return;
            AtomicFile.WriteAllText(ConfigPath, ScaledConfigText!);
            Log.Information("{Config}: servers.{Server}.instances is now {Count}", Path.GetFileName(ConfigPath), Server, Instances);
        });

    Target ScaleConfig => _ => _
        .Unlisted()
        .Description("Scale's edit of the config text, kept in memory until the change is applied")
        .Before(ValidateConfig)
        .Executes(() =>
        {
            if (Server is null || Instances is null)
                throw new TargetFailedException("Scale needs --server NAME and --instances N, e.g. ./build.sh Scale --server broker --instances 3");
            if (Instances < 1)
                throw new TargetFailedException($"--instances {Instances}: a server runs at least 1 instance; to remove {Server}, delete it from {Path.GetFileName(ConfigPath)} and run ./build.sh Apply");
            try
            {
                ScaledConfigText = InstanceCountEdit.Apply(File.ReadAllText(ConfigPath), Server, Instances.Value);
            }
            catch (Exception ex) when (ex is ArgumentException or YamlDotNet.Core.YamlException or IOException)
            {
                throw new TargetFailedException($"Cannot scale in {ConfigPath}: {ex.Message}");
            }
        });

    /// <summary>
    /// Compares the config with the running stack, prints the plan, and (unless --dry-run) has the
    /// supervisor carry it out. <paramref name="replaceAnyway"/>: instances replaced even when
    /// unchanged (a rolling Restart); <paramref name="operation"/> names it in Status and the log.
    /// </summary>
    async Task ApplyAsync(IReadOnlyList<string> replaceAnyway, string operation, CancellationToken ct)
    {
        LockDeployment();
        if (!RunningStack.IsUp(Deployment.Paths))
            throw new TargetFailedException($"Nothing of {Deployment.ConfigPath} is running, and {operation} changes a running stack; run ./build.sh Start{ConfigArgument}");
        var running = SupervisorPlan.Load(Deployment.Paths.Plan);
        var next = await BuildPlanAsync(ct);
        var changes = PlanChanges.Between(running, next, replaceAnyway);
        var paths = Deployment.Paths;
        var gateway = File.Exists(paths.NextNginxConf) && File.Exists(paths.NginxConf)
            ? NginxConfigDiff.Between(File.ReadAllText(paths.NginxConf), File.ReadAllText(paths.NextNginxConf))
            : [];
        if (changes.Refused.Count > 0 || DryRun) File.Delete(paths.NextNginxConf); // not to be taken by a later reload
        if (changes.Refused.Count > 0)
            throw new TargetFailedException("Cannot change the running stack this way; nothing was changed:\n  " + string.Join("\n  ", changes.Refused));
        var plan = changes.Describe(running, next).Concat(gateway.Count == 0 ? [] : ["nginx → graceful reload: " + string.Join("\n      ", gateway)]).ToList();
        if (plan.Count == 0 && running.ConfigHash == next.ConfigHash)
        {
            Log.Information("Nothing to change: the running stack matches {Config}", Path.GetFileName(Deployment.ConfigPath));
            return;
        }
        Log.Information("Plan ({Operation}):{Plan}", operation, plan.Count == 0 ? " no process or gateway changes" : "\n  " + string.Join("\n  ", plan));
        if (DryRun)
        {
            Log.Information("--dry-run: nothing was changed");
            return;
        }
        next.Save(paths.NextPlan);
        var perInstance = Deployment.Health.Attempts * Deployment.Health.IntervalSeconds + Deployment.StopTimeout;
        var budget = TimeSpan.FromSeconds(30 + (2 * changes.Replaced.Count + changes.Added.Count + 1) * perInstance);
        var clock = Stopwatch.StartNew();
        var answer = await new ControlClient(paths.ControlSocket).SendAsync(
            new ControlRequest(ControlCommands.Apply, operation, Names: replaceAnyway, PlanPath: paths.NextPlan), budget, ct);
        if (answer is not { Ok: true })
            throw new TargetFailedException($"{operation} stopped; what it did not reach keeps serving as before:\n{answer?.Error ?? "the supervisor did not answer"}");
        Log.Information("{Operation} done in {Seconds:0.00} s", operation, clock.Elapsed.TotalSeconds);
    }
}
