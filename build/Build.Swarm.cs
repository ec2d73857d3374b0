using System.Diagnostics;
using BuildGraph;
using Orchestration.Config;
using Orchestration.Health;
using Orchestration.Images;
using Orchestration.Packages;
using Orchestration.Swarm;
using Serilog;
using Spectre.Console;

/// <summary>Beyond one machine: container images and a Docker Swarm stack of the deployment.</summary>
partial class Build
{
    [Parameter("DeploySwarm, RemoveSwarm, Status --swarm, ExportCompose: the stack's name (default: the config file's name, dev-config)")]
    readonly string? Stack;

    [Parameter("Status: the deployment's stack on the local Docker Swarm instead of this machine's processes")]
    readonly bool Swarm;

    /// <summary>How long DeploySwarm waits for every task to be running and healthy.</summary>
    static readonly TimeSpan SwarmHealthDeadline = TimeSpan.FromMinutes(3);

    DockerCli? _docker;

    string StackName => SwarmNames.Stack(Deployment, Stack);

    Target EnsureDocker => _ => _
        .Description("Make a Docker engine with a single-node swarm available (as root: installs docker.io and starts dockerd when missing)")
        .Executes(async ct =>
        {
            try { _docker = await DockerEngine.ForThisMachine(m => Log.Information("{Message}", m)).EnsureAsync(ct); }
            catch (DockerException ex) { throw new TargetFailedException(ex.Message); }
        });

    Target PublishImages => _ => _
        .Description("Build an image per .NET project of the deployment and the gateway image, offline, on a base image made here once (--image-prefix)")
        .DependsOn(ValidateConfig, EnsureDocker)
        .Executes(async ct =>
        {
            var names = await SwarmImageNamesAsync(ct);
            var work = Path.Combine(Deployment.LocalDir, "images");
            var publisher = new ImagePublisher(_docker!, PackageInstaller.ForThisMachine(m => Log.Information("{Message}", m)), work, m => Log.Information("{Message}", m));
            try
            {
                foreach (var image in await publisher.PublishAsync(Deployment, names, ct))
                    Log.Information("{Image,-52} {Size,10}  {What} in {Seconds:0.0} s", image.Reference, image.Size, image.Built ? "built" : "up to date", image.Took.TotalSeconds);
            }
            catch (DockerException ex) { throw new TargetFailedException(ex.Message); }
        });

    Target ExportCompose => _ => _
        .Description("Write the deployment as a Compose file for docker stack deploy (--output FILE, default compose.yaml; the gateway's nginx.conf beside it)")
        .DependsOn(ValidateConfig)
        .Executes(async ct =>
        {
            var output = Path.GetFullPath(Output ?? "compose.yaml", Environment.CurrentDirectory);
            foreach (var path in await WriteComposeAsync(output, ct))
                Log.Information("Wrote {File}", Path.GetRelativePath(Environment.CurrentDirectory, path));
            Log.Information("Deploy with: docker stack deploy --resolve-image never -c {File} {Stack}", Path.GetRelativePath(Environment.CurrentDirectory, output), StackName);
        });

    Target DeploySwarm => _ => _
        .Description("Build the images, deploy the stack to the local Docker Swarm (a single-node swarm is made when there is none) and wait until every task is healthy (--stack)")
        .DependsOn(PublishImages)
        .Executes(async ct =>
        {
            var clock = Stopwatch.StartNew();
            var compose = Path.Combine(Deployment.LocalDir, "swarm", StackName + ".compose.yaml");
            await WriteComposeAsync(compose, ct);
            var stack = new SwarmStack(_docker!, StackName, m => Log.Information("{Message}", m));
            try
            {
                Log.Information("docker stack deploy {Stack} ({File})", StackName, Path.GetRelativePath(Environment.CurrentDirectory, compose));
                await stack.DeployAsync(compose, ct);
                var replicas = Deployment.Servers.ToDictionary(s => s.Name, s => s.Instances);
                replicas[SwarmNames.Gateway] = 1;
                var tasks = await stack.WaitHealthyAsync(replicas, SwarmHealthDeadline, ct);
                Log.Information("{Count} tasks running and healthy after {Seconds:0.0} s", tasks.Count, clock.Elapsed.TotalSeconds);
                await CheckSwarmGatewayAsync(ct);
            }
            catch (DockerException ex) { throw new TargetFailedException(ex.Message); }
            Log.Information("Stack {Stack} is up: gateway {Url}", StackName, SwarmGatewayUrl);
        });

    Target RemoveSwarm => _ => _
        .Description("Remove the deployment's stack from the local Docker Swarm and wait until none of its services, containers, networks or configs is left (--stack)")
        .DependsOn(ValidateConfig)
        .Executes(async ct =>
        {
            var docker = DockerCli.Find(PackageInstaller.Which) ?? throw new TargetFailedException("there is no docker client on this machine, so no stack to remove.");
            try
            {
                var existed = await new SwarmStack(docker, StackName, m => Log.Information("{Message}", m)).RemoveAsync(TimeSpan.FromMinutes(1), ct);
                Log.Information(existed ? "Removed the stack {Stack}: nothing of it is left" : "There is no stack {Stack}; nothing to remove", StackName);
            }
            catch (DockerException ex) { throw new TargetFailedException(ex.Message); }
        });

    string SwarmGatewayUrl => $"http://127.0.0.1:{Deployment.Nginx.Port}";

    async Task<IReadOnlyList<string>> WriteComposeAsync(string output, CancellationToken ct)
    {
        var problems = SwarmNames.Problems(Deployment, StackName);
        if (problems.Count > 0)
            throw new TargetFailedException($"{Path.GetFileName(ConfigPath)} cannot become a Swarm stack; nothing was written:\n  {string.Join("\n  ", problems)}");
        var names = await SwarmImageNamesAsync(ct);
        var nginxFile = Path.GetFileNameWithoutExtension(output) + ".nginx.conf";
        var export = ComposeFile.Build(Deployment, names, ImagePublisher.GatewayReference(names, AptSource.OfThisMachine()), StackName, nginxFile);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        var nginxPath = Path.Combine(Path.GetDirectoryName(output)!, nginxFile);
        Orchestration.IO.AtomicFile.WriteAllText(output, export.Yaml);
        Orchestration.IO.AtomicFile.WriteAllText(nginxPath, export.NginxConf);
        return [output, nginxPath];
    }

    /// <summary>Every module's health through the gateway's published port: the path a client takes.</summary>
    async Task CheckSwarmGatewayAsync(CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var module in Deployment.Servers.SelectMany(s => s.Modules).Distinct())
        {
            var url = HealthUrls.For(SwarmGatewayUrl, Deployment.ApiBaseUrl, module);
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                string? problem;
                try
                {
                    using var response = await http.GetAsync(url, ct);
                    problem = response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
                }
                catch (HttpRequestException ex) { problem = ex.Message; }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested) { problem = "no answer within 5 s"; }
                if (problem is null) break;
                if (deadline.Elapsed > TimeSpan.FromSeconds(30))
                    throw new TargetFailedException($"{url} through the stack's gateway: {problem}. Look at `docker service logs {StackName}_{SwarmNames.Gateway}`.");
                await Task.Delay(500, ct);
            }
        }
    }

    async Task<ImageNames> SwarmImageNamesAsync(CancellationToken ct)
    {
        var commit = await GitCommit.ShortHashAsync(Path.GetDirectoryName(ConfigPath)!, ct);
        var tag = ImageNames.DefaultTag(commit, ConfigFingerprint.Of(Deployment));
        try { return new ImageNames(ImagePrefix ?? ImageNames.DefaultPrefix, tag); }
        catch (ArgumentException ex) { throw new TargetFailedException(ex.Message); }
    }

    /// <summary>Status --swarm: the stack's tasks in the Status table's shape; exit 0 running, 1 degraded, 3 nothing running.</summary>
    async Task SwarmStatusAsync(CancellationToken ct)
    {
        var docker = DockerCli.Find(PackageInstaller.Which);
        IReadOnlyList<SwarmTask> tasks = [];
        string? engineProblem = docker is null ? "no docker client on this machine" : null;
        try { if (docker is not null) tasks = await new SwarmStack(docker, StackName, _ => { }).TasksAsync(ct); }
        catch (DockerException ex) { engineProblem = ex.Message; } // no engine answering: nothing of the stack runs
        var wanted = Deployment.Servers.Sum(s => s.Instances) + 1;
        var healthy = tasks.Count(t => t.State == "Running" && t.Health == "healthy");
        ExitCodeOverride = tasks.Count == 0 ? 3 : healthy == wanted && tasks.Count == wanted ? 0 : 1;
        var console = StatusConsole();
        console.MarkupLine($"Stack {Markup.Escape(StackName)} on Docker Swarm: {(ExitCodeOverride switch { 0 => "[green]running[/]", 1 => "[yellow]degraded[/]", _ => "[grey]stopped[/]" })}");
        if (tasks.Count == 0)
        {
            if (engineProblem is not null) console.MarkupLine($"Docker engine: {Markup.Escape(engineProblem)}");
            console.MarkupLine("Nothing is running. Deploy it with [bold]./build.sh DeploySwarm[/].");
            return;
        }
        console.MarkupLine($"Gateway: {Markup.Escape(SwarmGatewayUrl)} ({healthy}/{wanted} tasks healthy)");
        var table = new Table().Border(TableBorder.Rounded).AddColumns("Name", "Task", "Port", "State", "Health", "Uptime", "Image");
        foreach (var t in tasks)
        {
            var port = t.Service == SwarmNames.Gateway ? Deployment.Nginx.Port : Deployment.Servers.FirstOrDefault(s => s.Name == t.Service)?.Port ?? 0;
            var health = t.Health switch { "healthy" => "[green]healthy[/]", "unhealthy" => "[red]unhealthy[/]", var h => $"[yellow]{Markup.Escape(h)}[/]" };
            table.AddRow(Markup.Escape(t.Name), t.Id, port == 0 ? "-" : SwarmStack.Count(port), Markup.Escape(t.State), health, Markup.Escape(SwarmStack.Uptime(t.Status)), Markup.Escape(t.Image));
        }
        console.Write(table);
        foreach (var t in tasks.Where(t => t.Error.Length > 0)) console.MarkupLine($"[red]{Markup.Escape(t.Name)}: {Markup.Escape(t.Error)}[/]");
    }
}
