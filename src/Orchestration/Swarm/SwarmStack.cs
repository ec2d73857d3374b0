using System.Diagnostics;
using System.Globalization;

namespace Orchestration.Swarm;

/// <summary>One task of a stack that should be running: its replica name, state, health and container status.</summary>
public sealed record SwarmTask(string Service, string Name, string Id, string State, string Health, string Status, string Image, string Error);

/// <summary>
/// A stack of ours on the local swarm: deploy it, wait until every task is running and healthy, list its
/// tasks, remove it and wait until nothing of it is left. A stack of the same name that does not carry
/// our label is refused, never changed or removed.
/// </summary>
public sealed class SwarmStack(DockerCli docker, string stack, Action<string> log)
{
    public string Name => stack;

    /// <summary>Filter of everything Docker made for this stack.</summary>
    private string StackFilter => $"label={SwarmNames.StackLabel}={stack}";

    private string OursFilter => $"label={SwarmNames.DeploymentLabel}={stack}";

    /// <exception cref="DockerException">The stack exists and some service of it is not ours.</exception>
    public async Task<bool> EnsureOursAsync(CancellationToken cancellationToken)
    {
        var all = await docker.LinesAsync(["service", "ls", "-q", "--filter", StackFilter], cancellationToken).ConfigureAwait(false);
        var ours = await docker.LinesAsync(["service", "ls", "-q", "--filter", StackFilter, "--filter", OursFilter], cancellationToken).ConfigureAwait(false);
        var foreign = all.Except(ours).ToList();
        if (foreign.Count > 0)
            throw new DockerException($"the swarm already has a stack '{stack}' whose services {string.Join(", ", foreign)} were not made by Orchestration; they are left alone. Fix: deploy under another name (--stack NAME).");
        return all.Count > 0;
    }

    public async Task DeployAsync(string composeFile, CancellationToken cancellationToken)
    {
        await EnsureOursAsync(cancellationToken).ConfigureAwait(false);
        // No registry: the engine runs the images it has (never asks a registry for a digest).
        await docker.RunAsync(["stack", "deploy", "--prune", "--resolve-image", "never", "-c", Path.GetFileName(composeFile), stack],
            cancellationToken, workingDirectory: Path.GetDirectoryName(composeFile)).ConfigureAwait(false);
    }

    /// <summary>Waits until each service has as many running, healthy tasks as it wants replicas and no update is under way.</summary>
    /// <exception cref="DockerException">The deadline passed: which tasks are not ready, why, and their last log lines.</exception>
    public async Task<IReadOnlyList<SwarmTask>> WaitHealthyAsync(IReadOnlyDictionary<string, int> replicas, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var tasks = await TasksAsync(cancellationToken).ConfigureAwait(false);
            var waiting = new List<string>();
            foreach (var (service, wanted) in replicas)
            {
                var own = tasks.Where(t => t.Service == service).ToList();
                var healthy = own.Count(t => t.State == "Running" && t.Health == "healthy");
                if (healthy != wanted || own.Count != wanted) waiting.Add($"{service}: {healthy}/{wanted} healthy");
                var update = (await docker.RunAsync(["service", "inspect", $"{stack}_{service}", "--format", "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}"], cancellationToken).ConfigureAwait(false)).Trim();
                if (update is "updating" or "rollback_started") waiting.Add($"{service}: update {update}");
                if (update is "rollback_completed" or "paused" or "rollback_paused")
                    throw new DockerException($"the update of {stack}_{service} failed ({update}): its new tasks did not become healthy.\n{await DiagnoseAsync(service, cancellationToken).ConfigureAwait(false)}");
            }
            if (waiting.Count == 0) return tasks;
            if (clock.Elapsed > deadline)
            {
                var reasons = new List<string>();
                foreach (var service in replicas.Keys) reasons.Add(await DiagnoseAsync(service, cancellationToken).ConfigureAwait(false));
                throw new DockerException($"the stack '{stack}' was not healthy within {deadline.TotalSeconds:0} s ({string.Join("; ", waiting)}).\n{string.Join("\n", reasons)}");
            }
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The tasks that should be running, with the health their containers report.</summary>
    public async Task<IReadOnlyList<SwarmTask>> TasksAsync(CancellationToken cancellationToken)
    {
        var containers = (await docker.LinesAsync(["ps", "--filter", StackFilter, "--format", "{{.Label \"com.docker.swarm.task.id\"}}\t{{.Status}}"], cancellationToken).ConfigureAwait(false))
            .Select(l => l.Split('\t')).Where(p => p.Length == 2).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1]);
        var stackPs = await docker.TryAsync(["stack", "ps", stack, "--no-trunc", "--filter", "desired-state=running", "--format", "{{.ID}}\t{{.Name}}\t{{.CurrentState}}\t{{.Image}}\t{{.Error}}"], cancellationToken).ConfigureAwait(false);
        if (stackPs.ExitCode != 0) return []; // no such stack (yet)
        var tasks = new List<SwarmTask>();
        foreach (var parts in stackPs.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')))
        {
            if (parts.Length < 5) continue;
            var (id, name, current) = (parts[0], parts[1], parts[2]);
            var service = name.Split('.')[0];
            service = service.StartsWith(stack + "_", StringComparison.Ordinal) ? service[(stack.Length + 1)..] : service;
            var slot = name.Contains('.') ? name[(name.IndexOf('.') + 1)..] : "";
            var status = containers.GetValueOrDefault(id, "");
            var health = status.Contains("(healthy)", StringComparison.Ordinal) ? "healthy"
                : status.Contains("(unhealthy)", StringComparison.Ordinal) ? "unhealthy"
                : status.Contains("starting", StringComparison.Ordinal) ? "starting" : status.Length == 0 ? "-" : "none";
            tasks.Add(new SwarmTask(service, $"{service}-{slot}", id[..Math.Min(12, id.Length)], current.Split(' ')[0], health, status, parts[3], parts[4]));
        }
        return tasks.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Removes the stack and waits until no service, container, network, config or volume of it is left.</summary>
    public async Task<bool> RemoveAsync(TimeSpan deadline, CancellationToken cancellationToken)
    {
        var exists = await EnsureOursAsync(cancellationToken).ConfigureAwait(false);
        if (exists)
        {
            log($"docker stack rm {stack}");
            await docker.RunAsync(["stack", "rm", stack], cancellationToken).ConfigureAwait(false);
        }
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var left = await LeftoversAsync(cancellationToken).ConfigureAwait(false);
            // Networks, configs and volumes go once their containers have (stack rm may leave a network behind).
            if (left.Count(l => l.StartsWith("container", StringComparison.Ordinal) || l.StartsWith("service", StringComparison.Ordinal)) == 0)
            {
                foreach (var (kind, id) in left.Select(l => l.Split(' ', 2)).Select(p => (p[0], p[1])))
                    await docker.TryAsync([kind, "rm", id], cancellationToken).ConfigureAwait(false);
                if ((await LeftoversAsync(cancellationToken).ConfigureAwait(false)).Count == 0) return exists;
            }
            if (clock.Elapsed > deadline)
                throw new DockerException($"the stack '{stack}' was removed but these are still there after {deadline.TotalSeconds:0} s: {string.Join(", ", left)}. Fix: look at `docker ps -a --filter {StackFilter}` and run ./build.sh RemoveSwarm again.");
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>What of this stack is on the engine, as "kind id": services, containers, networks, configs, volumes.</summary>
    public async Task<IReadOnlyList<string>> LeftoversAsync(CancellationToken cancellationToken)
    {
        var left = new List<string>();
        foreach (var (kind, args) in new (string, string[])[]
        {
            ("service", ["service", "ls", "-q", "--filter", StackFilter]),
            ("container", ["ps", "-aq", "--filter", StackFilter]),
            ("network", ["network", "ls", "-q", "--filter", StackFilter]),
            ("config", ["config", "ls", "-q", "--filter", StackFilter]),
            ("volume", ["volume", "ls", "-q", "--filter", StackFilter]),
        })
        {
            left.AddRange((await docker.LinesAsync(args, cancellationToken).ConfigureAwait(false)).Select(id => $"{kind} {id}"));
        }
        return left;
    }

    private async Task<string> DiagnoseAsync(string service, CancellationToken cancellationToken)
    {
        var ps = await docker.TryAsync(["service", "ps", $"{stack}_{service}", "--no-trunc", "--format", "{{.Name}} {{.CurrentState}} {{.Error}}"], cancellationToken).ConfigureAwait(false);
        var logs = await docker.TryAsync(["service", "logs", "--tail", "15", "--no-task-ids", $"{stack}_{service}"], cancellationToken).ConfigureAwait(false);
        return $"{service} tasks:\n  {DockerCli.Last(ps.StandardOutput + ps.StandardError, 6).Replace("\n", "\n  ")}\n" +
               $"{service} last log lines:\n  {DockerCli.Last(logs.StandardOutput + logs.StandardError, 15).Replace("\n", "\n  ")}";
    }

    public static string Uptime(string status) => status.StartsWith("Up ", StringComparison.Ordinal)
        ? status[3..].Split(" (", 2)[0]
        : "-";

    public static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);
}
