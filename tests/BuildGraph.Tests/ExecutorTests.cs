using BuildGraph.Execution;
using BuildGraph.Graph;
using BuildGraph.Planning;
using static BuildGraph.Tests.Graphs;

namespace BuildGraph.Tests;

public class ExecutorTests
{
    private readonly List<string> _ran = [];

    [Fact]
    public async Task Targets_run_in_plan_order_and_succeed()
    {
        var graph = Of(T("Compile") with { Actions = [Record(_ran, "Compile")] }, T("Test", "Compile") with { Actions = [Record(_ran, "Test")] });

        var result = await RunAsync(graph, ["Test"]);

        Assert.True(result.Succeeded);
        Assert.Equal(["Compile", "Test"], _ran);
    }

    [Fact]
    public async Task A_false_static_condition_skips_the_target_and_the_dependencies_only_it_needs()
    {
        var graph = Of(
            T("Shared") with { Actions = [Record(_ran, "Shared")] },
            T("Tools") with { Actions = [Record(_ran, "Tools")] },
            T("Docs", "Tools", "Shared") with { StaticConditions = [() => true, () => false], Actions = [Record(_ran, "Docs")] },
            T("Compile", "Shared") with { Actions = [Record(_ran, "Compile")] },
            T("All", "Docs", "Compile") with { Actions = [Record(_ran, "All")] });

        var result = await RunAsync(graph, ["All"]);

        Assert.Equal(["Shared", "Compile", "All"], _ran);
        Assert.Equal(ExecutionStatus.Skipped, result.StatusOf("Docs"));
        Assert.Equal(ExecutionStatus.Skipped, result.StatusOf("Tools"));
        Assert.Equal("static condition #2 is false", result.Targets.Single(t => t.Name == "Docs").Reason);
        Assert.True(result.Succeeded);
    }

    [Fact]
    public async Task A_dynamic_condition_is_evaluated_after_the_dependencies_ran()
    {
        var compiled = false;
        var graph = Of(
            T("Compile") with { Actions = [_ => { compiled = true; return Task.CompletedTask; }] },
            T("Pack", "Compile") with { DynamicConditions = [() => !compiled], Actions = [Record(_ran, "Pack")] });

        var result = await RunAsync(graph, ["Pack"]);

        Assert.Equal(ExecutionStatus.Succeeded, result.StatusOf("Compile"));
        Assert.Equal(ExecutionStatus.Skipped, result.StatusOf("Pack"));
        Assert.Empty(_ran);
    }

    [Fact]
    public void A_missing_required_parameter_fails_before_anything_runs_naming_it_in_kebab_case()
    {
        var build = new RequiringBuild();
        var graph = TargetGraph.FromDelegates([("Compile", build.Compile), ("Deploy", build.Deploy)]);
        var executor = new TargetExecutor(ExecutionPlanner.Plan(graph, ["Deploy"]));

        var error = Assert.Throws<BuildUsageException>(executor.Prepare);

        Assert.Contains("Target 'Deploy': parameter '--api-key' is required", error.Message);
        Assert.Contains("API_KEY", error.Message);
        Assert.False(build.Compiled);
    }

    [Fact]
    public async Task A_given_required_parameter_lets_the_target_run()
    {
        var build = new RequiringBuild { ApiKey = "secret" };
        var graph = TargetGraph.FromDelegates([("Compile", build.Compile), ("Deploy", build.Deploy)]);

        var result = await RunAsync(graph, ["Deploy"]);

        Assert.True(result.Succeeded);
        Assert.True(build.Compiled);
    }

    [Fact]
    public void A_false_requires_condition_fails_before_anything_runs()
    {
        var graph = Of(T("Deploy") with { Requirements = [Requirement.ForCondition(() => false, 1)] });

        var error = Assert.Throws<BuildUsageException>(() => new TargetExecutor(ExecutionPlanner.Plan(graph, ["Deploy"])).Prepare());

        Assert.Contains("Target 'Deploy': requirement #1", error.Message);
    }

    [Fact]
    public async Task A_failure_stops_the_build_and_dependents_are_not_run()
    {
        var graph = Of(
            T("Compile") with { Actions = [Fail("compiler error")] },
            T("Lint") with { Actions = [Record(_ran, "Lint")] },
            T("Test", "Compile", "Lint") with { Actions = [Record(_ran, "Test")] });

        var result = await RunAsync(graph, ["Test"]);

        Assert.False(result.Succeeded);
        Assert.Equal(ExecutionStatus.Failed, result.StatusOf("Compile"));
        Assert.Equal("compiler error", result.Targets.Single(t => t.Name == "Compile").Reason);
        Assert.Equal(ExecutionStatus.NotRun, result.StatusOf("Lint"));
        Assert.Equal(ExecutionStatus.NotRun, result.StatusOf("Test"));
        Assert.Empty(_ran);
    }

    [Fact]
    public async Task ProceedAfterFailure_lets_independent_targets_run_but_not_dependents()
    {
        var graph = Of(
            T("UnitTests") with { ProceedAfterFailure = true, Actions = [Fail("2 tests failed")] },
            T("Lint") with { Actions = [Record(_ran, "Lint")] },
            T("Report", "UnitTests") with { Actions = [Record(_ran, "Report")] },
            T("All", "UnitTests", "Lint", "Report"));

        var result = await RunAsync(graph, ["All"]);

        Assert.Equal(["Lint"], _ran);
        Assert.Equal(ExecutionStatus.NotRun, result.StatusOf("Report"));
        Assert.Equal(ExecutionStatus.NotRun, result.StatusOf("All"));
        Assert.False(result.Succeeded);
    }

    [Fact]
    public async Task AssuredAfterFailure_runs_after_a_failure()
    {
        var graph = Of(
            T("Start") with { Actions = [Fail("port taken")] },
            T("Verify", "Start") with { Actions = [Record(_ran, "Verify")] },
            T("Rollback") with { AssuredAfterFailure = true, After = ["Start"], Actions = [Record(_ran, "Rollback")] },
            T("Deploy", "Start", "Verify") with { Triggers = ["Rollback"] });

        var result = await RunAsync(graph, ["Deploy"]);

        Assert.Equal(["Rollback"], _ran);
        Assert.Equal(ExecutionStatus.Succeeded, result.StatusOf("Rollback"));
        Assert.Equal(ExecutionStatus.NotRun, result.StatusOf("Verify"));
        Assert.False(result.Succeeded);
    }

    [Fact]
    public async Task Cancellation_aborts_the_running_target_then_runs_the_assured_ones()
    {
        using var cancel = new CancellationTokenSource();
        var started = new TaskCompletionSource();
        var graph = Of(
            T("Wait") with { Actions = [async ct => { started.SetResult(); await Task.Delay(Timeout.Infinite, ct); }] },
            T("Next", "Wait") with { Actions = [Record(_ran, "Next")] },
            T("Cleanup") with { AssuredAfterFailure = true, After = ["Next"], Actions = [Record(_ran, "Cleanup")] });

        var run = RunAsync(graph, ["Next", "Cleanup"], cancel: cancel.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cancel.CancelAsync();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(ExecutionStatus.Aborted, result.StatusOf("Wait"));
        Assert.Equal(ExecutionStatus.NotRun, result.StatusOf("Next"));
        Assert.Equal(ExecutionStatus.Succeeded, result.StatusOf("Cleanup"));
        Assert.True(result.Cancelled);
        Assert.False(result.Succeeded);
    }

    [Fact]
    public async Task A_target_that_ends_after_the_cancel_leaves_the_build_failing_so_the_rollback_runs()
    {
        // Start's launch finished despite a Ctrl-C in its middle: the rollback must still see a
        // build that did not succeed, or a half-started stack is left behind.
        using var cancel = new CancellationTokenSource();
        TargetExecutor? executor = null;
        var graph = Of(
            T("Launch") with { Actions = [async _ => { await cancel.CancelAsync(); _ran.Add("Launch"); }] },
            T("Start", "Launch") with { Actions = [Record(_ran, "Start")] },
            T("Rollback") with { AssuredAfterFailure = true, After = ["Start"], DynamicConditions = [() => !executor!.IsSucceeding], Actions = [Record(_ran, "Rollback")] });
        executor = new TargetExecutor(BuildGraph.Planning.ExecutionPlanner.Plan(graph, ["Start", "Rollback"], null));
        executor.Prepare();

        var result = await executor.RunAsync(cancel.Token);

        Assert.Equal(ExecutionStatus.Succeeded, result.StatusOf("Launch"));
        Assert.Equal(["Launch", "Rollback"], _ran);
        Assert.True(result.Cancelled);
        Assert.False(executor.IsSucceeding);
    }

    [Fact]
    public async Task An_unexpected_exception_fails_the_target_with_its_message()
    {
        var graph = Of(T("Broken") with { Actions = [_ => throw new InvalidOperationException("boom")] });

        var result = await RunAsync(graph, ["Broken"]);

        Assert.Equal(ExecutionStatus.Failed, result.StatusOf("Broken"));
        Assert.Equal("boom", result.Targets.Single().Reason);
    }

    [Fact]
    public async Task Every_executes_overload_runs_in_declaration_order()
    {
        Target all = _ => _
            .Executes(() => _ran.Add("action"))
            .Executes(ct => _ran.Add(ct.CanBeCanceled ? "token" : "no token"))
            .Executes(async () => { await Task.Yield(); _ran.Add("task"); })
            .Executes(async ct => { await Task.Delay(1, ct); _ran.Add("task with token"); });
        using var cancel = new CancellationTokenSource();

        await RunAsync(TargetGraph.FromDelegates([("All", all)]), ["All"], cancel: cancel.Token);

        Assert.Equal(["action", "token", "task", "task with token"], _ran);
    }

    private sealed class RequiringBuild
    {
        [Parameter("Key of the deployment API")]
        public string? ApiKey;

        public bool Compiled { get; private set; }

        public Target Compile => _ => _.Executes(() => Compiled = true);

        public Target Deploy => _ => _.DependsOn(Compile).Requires(() => ApiKey);
    }
}
