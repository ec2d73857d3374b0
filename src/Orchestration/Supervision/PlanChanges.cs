using System.Globalization;
using System.Text.Json;
using Orchestration.State;

namespace Orchestration.Supervision;

/// <summary>An instance to replace rolling, and why ("env LOG_LEVEL changed", "new build").</summary>
public sealed record InstanceChange(string Name, string Server, string Why);

/// <summary>
/// What turns a running plan into the next one: instances to start, to replace rolling and to drain,
/// settings that take effect at once, and changes that cannot be made live. Pure: Apply prints it
/// (<c>--dry-run</c> stops there) and the supervisor carries out the very same comparison.
/// </summary>
public sealed record PlanChanges(
    IReadOnlyList<InstancePlan> Added,
    IReadOnlyList<string> Removed,
    IReadOnlyList<InstanceChange> Replaced,
    IReadOnlyList<string> Settings,
    IReadOnlyList<string> Refused)
{
    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0 && Replaced.Count == 0 && Settings.Count == 0;

    /// <param name="replaceAnyway">Instances a Restart replaces even when nothing about them changed.</param>
    public static PlanChanges Between(SupervisorPlan running, SupervisorPlan next, IReadOnlyCollection<string>? replaceAnyway = null)
    {
        var before = running.Instances.ToDictionary(i => i.Process.Name, StringComparer.Ordinal);
        var after = next.Instances.ToDictionary(i => i.Process.Name, StringComparer.Ordinal);
        var refused = new List<string>();
        var replaced = new List<InstanceChange>();
        foreach (var (name, now) in after)
        {
            if (!before.TryGetValue(name, out var was)) continue;
            if (was.Port != now.Port)
            {
                refused.Add($"{now.Server}: port {was.Port} → {now.Port} for {name} cannot change live (an instance's port is its place in the gateway); " +
                    "run ./build.sh Restart --all-at-once to stop and start with the new ports");
                continue;
            }
            var why = Why(was, now) ?? (replaceAnyway?.Contains(name) == true ? "restart" : null);
            if (why is not null) replaced.Add(new InstanceChange(name, now.Server, why));
        }
        if (running.Nginx.Argv.FirstOrDefault() != next.Nginx.Argv.FirstOrDefault())
            refused.Add($"nginx: binary {running.Nginx.Argv.FirstOrDefault()} → {next.Nginx.Argv.FirstOrDefault()} cannot change live; run ./build.sh Restart --all-at-once");
        return new PlanChanges(
            next.Instances.Where(i => !before.ContainsKey(i.Process.Name)).ToList(),
            running.Instances.Where(i => !after.ContainsKey(i.Process.Name)).Select(i => i.Process.Name).ToList(),
            replaced,
            SettingChanges(running, next),
            refused);
    }

    /// <summary>The plan a user reads, one line per server, then the settings ("broker: 1 → 3 instances → start broker-1, broker-2").</summary>
    public IReadOnlyList<string> Describe(SupervisorPlan running, SupervisorPlan next)
    {
        var lines = new List<string>();
        var servers = next.Instances.Select(i => i.Server).Concat(running.Instances.Select(i => i.Server)).Distinct();
        foreach (var server in servers)
        {
            var was = running.Instances.Count(i => i.Server == server);
            var now = next.Instances.Count(i => i.Server == server);
            var added = Added.Where(i => i.Server == server).Select(i => i.Process.Name).ToList();
            var removed = Removed.Where(n => running.Instances.Any(i => i.Process.Name == n && i.Server == server)).ToList();
            var replaced = Replaced.Where(r => r.Server == server).ToList();
            if (was == 0)
            {
                lines.Add($"{server}: new server, {Count(now)} → start {string.Join(", ", added)}, health-gated, then routed");
                continue;
            }
            if (now == 0)
            {
                lines.Add($"{server}: removed → routed around, then {string.Join(", ", removed)} drained and stopped");
                continue;
            }
            var parts = new List<string>();
            if (replaced.Count > 0)
            {
                foreach (var why in replaced.GroupBy(r => r.Why))
                    parts.Add($"{why.Key} → rolling replace of {string.Join(", ", why.Select(r => r.Name))}");
            }
            if (added.Count > 0) parts.Add($"{was} → {Count(now)} → start {string.Join(", ", added)}, health-gated, then routed");
            if (removed.Count > 0) parts.Add($"{was} → {Count(now)} → {string.Join(", ", removed)} routed around, then drained and stopped");
            if (parts.Count > 0) lines.Add($"{server}: {string.Join("; ", parts)}");
        }
        lines.AddRange(Settings);
        return lines;
    }

    private static string Count(int n) => n == 1 ? "1 instance" : $"{n} instances";

    /// <summary>Why an instance must be replaced to match the next plan; null when it already does.</summary>
    private static string? Why(InstancePlan was, InstancePlan now)
    {
        var reasons = new List<string>();
        var envBefore = was.Process.Environment;
        var envAfter = now.Process.Environment;
        var env = envBefore.Keys.Union(envAfter.Keys)
            .Where(k => envBefore.GetValueOrDefault(k) != envAfter.GetValueOrDefault(k))
            .Order(StringComparer.Ordinal).ToList();
        if (!was.Modules.SequenceEqual(now.Modules))
        {
            reasons.Add($"modules {string.Join(",", was.Modules)} → {string.Join(",", now.Modules)}");
            env.Remove("ENABLED_MODULES");
        }
        if (env.Count > 0) reasons.Add($"env {string.Join(", ", env)} changed");
        if (!(was.ArgvTemplate ?? was.Process.Argv).SequenceEqual(now.ArgvTemplate ?? now.Process.Argv)) reasons.Add("command changed");
        else if (was.Build != now.Build) reasons.Add("new build");
        if (was.Process.WorkingDirectory != now.Process.WorkingDirectory && !reasons.Contains("new build")) reasons.Add("working directory changed");
        return reasons.Count == 0 ? null : string.Join(", ", reasons);
    }

    /// <summary>Whether two settings are the same, as plan.json writes them (records of lists compare by content here).</summary>
    internal static bool Same<T>(T a, T b) =>
        StateJson.Serialize(a, SupervisionJson.Options) == StateJson.Serialize(b, SupervisionJson.Options);

    private static List<string> SettingChanges(SupervisorPlan running, SupervisorPlan next)
    {
        var lines = new List<string>();
        void Compare<T>(string what, T before, T after)
        {
            if (!Same(before, after)) lines.Add($"supervisor: {what} changed → takes effect at once");
        }
        Compare("health", running.Health, next.Health);
        Compare("restart policy", running.Restart, next.Restart);
        Compare("logs", running.Logs, next.Logs);
        Compare("watch", running.Watch, next.Watch);
        if (running.StopTimeoutSeconds != next.StopTimeoutSeconds)
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"supervisor: stop_timeout {running.StopTimeoutSeconds} → {next.StopTimeoutSeconds} s → takes effect at once"));
        if (running.GatewayPort != next.GatewayPort || running.GatewayAddress != next.GatewayAddress)
            lines.Add($"nginx: listen {running.GatewayAddress}:{running.GatewayPort} → {next.GatewayAddress}:{next.GatewayPort} → reload");
        return lines;
    }
}
