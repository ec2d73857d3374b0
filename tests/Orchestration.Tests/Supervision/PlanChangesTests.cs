using Orchestration.Processes;
using Orchestration.Supervision;

namespace Orchestration.Tests.Supervision;

public sealed class PlanChangesTests
{
    [Fact]
    public void More_instances_of_a_server_are_started_and_the_kept_one_is_left_alone()
    {
        var running = Plan(Instance("broker", 0), Instance("datafeed", 0));
        var next = Plan(Instance("broker", 0), Instance("broker", 1), Instance("broker", 2), Instance("datafeed", 0));

        var changes = PlanChanges.Between(running, next);

        Assert.Equal(["broker-1", "broker-2"], changes.Added.Select(i => i.Process.Name));
        Assert.Empty(changes.Replaced);
        Assert.Empty(changes.Removed);
        Assert.Equal(["broker: 1 → 3 instances → start broker-1, broker-2, health-gated, then routed"], changes.Describe(running, next));
    }

    [Fact]
    public void An_env_change_replaces_the_servers_instances_rolling_and_names_the_variable()
    {
        var running = Plan(Instance("broker", 0), Instance("datafeed", 0));
        var next = Plan(Instance("broker", 0), Instance("datafeed", 0, env: new() { ["LOG_LEVEL"] = "debug" }));

        var changes = PlanChanges.Between(running, next);

        Assert.Equal([new InstanceChange("datafeed-0", "datafeed", "env LOG_LEVEL changed")], changes.Replaced);
        Assert.Equal(["datafeed: env LOG_LEVEL changed → rolling replace of datafeed-0"], changes.Describe(running, next));
    }

    [Fact]
    public void A_removed_server_is_drained_a_new_one_started_and_new_modules_and_builds_replace()
    {
        var running = Plan(Instance("broker", 0, build: "a"), Instance("old", 0));
        var next = Plan(Instance("broker", 0, build: "b", modules: ["core", "broker", "datafeed"]), Instance("quotes", 0));

        var changes = PlanChanges.Between(running, next);

        Assert.Equal(["old-0"], changes.Removed);
        Assert.Equal(["quotes-0"], changes.Added.Select(i => i.Process.Name));
        Assert.Equal("modules core,broker → core,broker,datafeed, new build", Assert.Single(changes.Replaced).Why);
        Assert.Equal([
            "broker: modules core,broker → core,broker,datafeed, new build → rolling replace of broker-0",
            "quotes: new server, 1 instance → start quotes-0, health-gated, then routed",
            "old: removed → routed around, then old-0 drained and stopped",
        ], changes.Describe(running, next));
    }

    [Fact]
    public void A_restart_replaces_unchanged_instances_and_nothing_changed_is_empty()
    {
        var plan = Plan(Instance("broker", 0), Instance("broker", 1));

        Assert.True(PlanChanges.Between(plan, plan).IsEmpty);
        var restart = PlanChanges.Between(plan, plan, ["broker-1"]);
        Assert.Equal([new InstanceChange("broker-1", "broker", "restart")], restart.Replaced);
    }

    [Fact]
    public void A_port_change_is_refused_with_the_command_that_makes_it()
    {
        var running = Plan(Instance("broker", 0));
        var next = Plan(Instance("broker", 0) with { Port = 9001 });

        var changes = PlanChanges.Between(running, next);

        var refusal = Assert.Single(changes.Refused);
        Assert.Contains("port 8000 → 9001", refusal);
        Assert.Contains("./build.sh Restart --all-at-once", refusal);
    }

    [Fact]
    public void Supervisor_settings_take_effect_at_once()
    {
        var running = Plan(Instance("broker", 0));
        var next = running with { StopTimeoutSeconds = 5, Health = running.Health with { Attempts = 3 } };

        var changes = PlanChanges.Between(running, next);

        Assert.Equal(["supervisor: health changed → takes effect at once", "supervisor: stop_timeout 3 → 5 s → takes effect at once"], changes.Settings);
        Assert.False(changes.IsEmpty);
    }

    private static SupervisorPlan Plan(params InstancePlan[] instances) => new()
    {
        ConfigPath = "/x/dev-config.yaml",
        LocalDir = "/x/.local",
        Instances = instances,
        Nginx = new ProcessSpec { Name = "nginx", Argv = ["/usr/sbin/nginx"], WorkingDirectory = "/x" },
        GatewayPort = 7999,
        GatewayAddress = "127.0.0.1",
    };

    private static InstancePlan Instance(string server, int index, Dictionary<string, string>? env = null, string? build = null, IReadOnlyList<string>? modules = null)
    {
        modules ??= ["core", server];
        var name = $"{server}-{index}";
        var environment = new Dictionary<string, string> { ["INSTANCE_NAME"] = name, ["ENABLED_MODULES"] = string.Join(',', modules) };
        foreach (var (key, value) in env ?? []) environment[key] = value;
        return new InstancePlan
        {
            Server = server, Port = 8000 + index, Modules = modules, Build = build,
            Process = new ProcessSpec { Name = name, Argv = ["dotnet", "/x/run/TradingApi.dll"], WorkingDirectory = "/x/run", Environment = environment },
        };
    }
}
