using BuildGraph.Graph;
using BuildGraph.Planning;
using static BuildGraph.Tests.Graphs;

namespace BuildGraph.Tests;

public class PlannerTests
{
    [Fact]
    public void Dependencies_run_before_the_target_that_needs_them()
    {
        var graph = Of(T("Test", "Compile"), T("Compile", "Restore"), T("Restore"));

        Assert.Equal(["Restore", "Compile", "Test"], Order(ExecutionPlanner.Plan(graph, ["Test"])));
    }

    [Fact]
    public void Independent_targets_run_in_declaration_order()
    {
        var graph = Of(T("Zeta"), T("Alpha"), T("Mid"), T("All", "Mid", "Alpha", "Zeta"));

        Assert.Equal(["Zeta", "Alpha", "Mid", "All"], Order(ExecutionPlanner.Plan(graph, ["All"])));
    }

    [Fact]
    public void Tie_break_picks_the_earliest_declared_ready_target_at_each_step()
    {
        // B is declared before C but waits for D (declared last): C, being ready, goes first.
        var graph = Of(T("A"), T("B", "D"), T("C"), T("D"), T("Top", "A", "B", "C"));

        Assert.Equal(["A", "C", "D", "B", "Top"], Order(ExecutionPlanner.Plan(graph, ["Top"])));
    }

    [Fact]
    public void Only_the_invoked_targets_and_what_they_need_are_planned()
    {
        var graph = Of(T("Clean"), T("Compile"), T("Test", "Compile"));

        Assert.Equal(["Compile"], Order(ExecutionPlanner.Plan(graph, ["compile"])));
    }

    [Fact]
    public void After_orders_without_scheduling()
    {
        var graph = Of(T("Publish") with { After = ["Test"] }, T("Test"));

        Assert.Equal(["Publish"], Order(ExecutionPlanner.Plan(graph, ["Publish"])));
        Assert.Equal(["Test", "Publish"], Order(ExecutionPlanner.Plan(graph, ["Publish", "Test"])));
    }

    [Fact]
    public void Before_orders_the_other_target_after_this_one()
    {
        Target clean = null!, compile = null!;
        clean = _ => _.Before(compile);
        compile = _ => _;
        var graph = TargetGraph.FromDelegates([("Compile", compile), ("Clean", clean)]);

        Assert.Equal(["Clean", "Compile"], Order(ExecutionPlanner.Plan(graph, ["Compile", "Clean"])));
    }

    [Fact]
    public void A_cycle_is_reported_with_its_path()
    {
        var graph = Of(T("A", "B"), T("B", "C"), T("C", "A"));

        var error = Assert.Throws<BuildUsageException>(() => ExecutionPlanner.Plan(graph, ["A"]));

        Assert.Equal("Circular dependency: A -> B -> C -> A", error.Message);
    }

    [Fact]
    public void A_cycle_through_ordering_constraints_is_reported_too()
    {
        var graph = Of(T("A") with { After = ["B"] }, T("B", "A"));

        var error = Assert.Throws<BuildUsageException>(() => ExecutionPlanner.Plan(graph, ["B"]));

        Assert.Equal("Circular dependency: A -> B -> A", error.Message);
    }

    [Fact]
    public void Triggers_schedule_the_triggered_target_after_the_trigger()
    {
        var graph = Of(T("Notify"), T("Deploy") with { Triggers = ["Notify"] });

        Assert.Equal(["Deploy", "Notify"], Order(ExecutionPlanner.Plan(graph, ["Deploy"])));
    }

    [Fact]
    public void TriggeredBy_schedules_this_target_after_the_other()
    {
        Target deploy = null!, notify = null!;
        notify = _ => _.TriggeredBy(deploy);
        deploy = _ => _;
        var graph = TargetGraph.FromDelegates([("Notify", notify), ("Deploy", deploy)]);

        Assert.Equal(["Deploy", "Notify"], Order(ExecutionPlanner.Plan(graph, ["Deploy"])));
        Assert.Equal(["Notify"], Order(ExecutionPlanner.Plan(graph, ["Notify"])));
    }

    [Fact]
    public void Skip_without_names_skips_everything_but_the_invoked_targets()
    {
        var graph = Of(T("Restore"), T("Compile", "Restore"), T("Test", "Compile"));

        var plan = ExecutionPlanner.Plan(graph, ["Test"], skip: []);

        Assert.Equal(["Restore", "Compile"], plan.Targets.Where(t => t.SkipReason is not null).Select(t => t.Name));
        Assert.Null(plan.Targets.Single(t => t.Name == "Test").SkipReason);
    }

    [Fact]
    public void Skipping_a_target_skips_the_dependencies_only_it_needs()
    {
        var graph = Of(T("Restore"), T("Tools"), T("Compile", "Restore", "Tools"), T("Lint", "Tools"), T("Test", "Compile", "Lint"));

        var plan = ExecutionPlanner.Plan(graph, ["Test"], skip: ["compile"]);

        var skipped = plan.Targets.Where(t => t.SkipReason is not null).Select(t => t.Name);
        Assert.Equal(["Restore", "Compile"], skipped); // Tools is still needed by Lint
    }

    [Fact]
    public void An_unknown_target_lists_the_available_ones_without_unlisted()
    {
        var graph = Of(T("Clean"), T("Compile"), T("Secret") with { Listed = false }, T("Test"));

        var error = Assert.Throws<BuildUsageException>(() => ExecutionPlanner.Plan(graph, ["Deploy"]));

        Assert.Equal("Target 'Deploy' does not exist. Available targets are: Clean, Compile, Test.", error.Message);
    }

    [Fact]
    public void Target_delegates_are_matched_to_names_by_method()
    {
        var build = new DelegateBuild();
        var graph = TargetGraph.FromDelegates([("Compile", build.Compile), ("Test", build.Test)]);

        Assert.Equal(["Compile"], graph["Test"].DependsOn);
        Assert.Equal("Runs the tests", graph["test"].Description);
    }

    private sealed class DelegateBuild
    {
        public Target Compile => _ => _.Executes(() => { });

        public Target Test => _ => _.DependsOn(Compile).Description("Runs the tests");
    }
}
