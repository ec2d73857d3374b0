using BuildGraph;
using Orchestration.Lifecycle;
using Orchestration.Supervision;
using Serilog;

/// <summary>Detach and Attach: one instance handed to the developer (a debugger) and back, its port in the gateway all along.</summary>
partial class Build
{
    Target Detach => _ => _
        .Description("Stop one instance (drained) and keep its port in the gateway, for your own process under a debugger (--server NAME [--instance N]); prints its env and writes debugger profiles")
        .DependsOn(ValidateConfig)
        .Executes(async ct =>
        {
            var (name, plan) = await OneRunningInstanceAsync("Detach", ct);
            await SendOperationAsync(new ControlRequest(ControlCommands.Detach, name), "Detach", ct);
            var server = Deployment.Servers.Single(s => s.Name == plan.Server);
            var handover = DebugProfiles.Write(Deployment.Paths, plan, server);
            Log.Information("{Name} is detached: the supervisor stopped it; the gateway routes to 127.0.0.1:{Port} whenever something answers there, around it otherwise", name, plan.Port);
            Log.Information("Run it yourself, as the supervisor did:\n  {Shell}", handover.Shell);
            Log.Information("Debugger profiles named {Name}: {Settings} (Visual Studio, Rider) and {Launch} (VS Code)", name, handover.LaunchSettings, handover.VsCodeLaunch);
            Log.Information("Hand it back with ./build.sh Attach --server {Server} --instance {Index}{Config}", plan.Server, name[(plan.Server.Length + 1)..], ConfigArgument);
        });

    Target Attach => _ => _
        .Description("Run a detached instance under the supervisor again, health-gated (--server NAME [--instance N]); stop your own process on its port first")
        .DependsOn(ValidateConfig)
        .Executes(async ct =>
        {
            var (name, _) = await OneRunningInstanceAsync("Attach", ct);
            var state = await SendOperationAsync(new ControlRequest(ControlCommands.Attach, name), "Attach", ct);
            var record = state?.Processes.FirstOrDefault(p => p.Name == name);
            Log.Information("{Name} runs under the supervisor again: pid {Pid} on port {Port}", name, record?.Pid, record?.Port);
        });

    /// <summary>The one instance --server [--instance] names, in the running plan; fails unless the stack runs.</summary>
    async Task<(string Name, InstancePlan Plan)> OneRunningInstanceAsync(string target, CancellationToken ct)
    {
        LockDeployment();
        if (Server is null) throw new TargetFailedException($"{target} needs --server NAME (and --instance N when it runs several); servers: {string.Join(", ", Deployment.Servers.Select(s => s.Name))}");
        var names = RestartedInstances();
        if (names.Count != 1) throw new TargetFailedException($"{target} takes one instance: --server {Server} runs {names.Count}, add --instance N (0 to {names.Count - 1})");
        var stack = await RunningStack.ReadAsync(Deployment.Paths, ct);
        if (!stack.SupervisorAlive) throw new TargetFailedException($"Nothing of {Deployment.ConfigPath} is running; run ./build.sh Start{ConfigArgument}");
        var plan = SupervisorPlan.Load(Deployment.Paths.Plan).Instances.FirstOrDefault(i => i.Process.Name == names[0])
            ?? throw new TargetFailedException($"{names[0]} is in the config but not in the running stack; run ./build.sh Apply{ConfigArgument} first");
        return (names[0], plan);
    }

    async Task<Orchestration.State.DeploymentState?> SendOperationAsync(ControlRequest request, string target, CancellationToken ct)
    {
        var budget = TimeSpan.FromSeconds(30 + Deployment.Health.Attempts * Deployment.Health.IntervalSeconds + Deployment.StopTimeout);
        var answer = await new ControlClient(Deployment.Paths.ControlSocket).SendAsync(request, budget, ct);
        if (answer is not { Ok: true }) throw new TargetFailedException($"{target} of {request.Name} failed: {answer?.Error ?? "the supervisor did not answer"}");
        return answer.State;
    }
}
