using BuildGraph.Graph;
using BuildGraph.Parameters;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;
using static BuildGraph.Tests.Graphs;

namespace BuildGraph.Tests;

public sealed class RunnerTests : IDisposable
{
    private readonly List<string> _output = [];
    private readonly List<string> _log = [];
    private readonly string _temp = Directory.CreateTempSubdirectory("buildgraph-tests-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private sealed class ListSink(List<string> lines) : ILogEventSink
    {
        // Renders like {Message:lj}: strings without quotes.
        public void Emit(LogEvent logEvent) => lines.Add($"[{logEvent.Level}] " + string.Concat(logEvent.MessageTemplate.Tokens.Select(token =>
            token is PropertyToken property && logEvent.Properties.GetValueOrDefault(property.PropertyName) is ScalarValue { Value: var value }
                ? value?.ToString()
                : token.ToString())));
    }

    private sealed class Settings
    {
        [Parameter("Deployment config file")] public string Config = "dev-config.yaml";
        [Parameter("Seconds to wait for a graceful stop")] public int StopTimeout = 3;
        [Parameter] public bool Json;
    }

    private BuildHooks Hooks(Func<string?>? finalLine = null) => new()
    {
        WriteLine = _output.Add,
        Log = new LoggerConfiguration().WriteTo.Sink(new ListSink(_log)).CreateLogger(),
        FinalLine = finalLine ?? (() => null),
        Now = () => new DateTime(2025, 1, 2, 3, 4, 5),
    };

    private BuildInputs Inputs(TargetGraph graph, params string[] args) =>
        new(graph, ParameterDescriptor.Discover(new Settings()), ["Compile"], args, new Dictionary<string, string>(), null, _temp);

    private static TargetGraph Sample() => Of(
        T("Clean") with { Description = "Delete build outputs" },
        T("Compile") with { Description = "Build the solution" },
        T("Internal") with { Listed = false, Description = "Not for humans" },
        T("Test", "Compile") with { Description = "Run the tests" });

    private Task<int> RunAsync(BuildInputs inputs, BuildHooks? hooks = null) =>
        BuildRunner.RunAsync(inputs, hooks ?? Hooks(), CancellationToken.None, CancellationToken.None);

    [Fact]
    public async Task Help_lists_targets_with_dependencies_and_parameters_with_types()
    {
        var exitCode = await RunAsync(Inputs(Sample(), "--help"));

        Assert.Equal(0, exitCode);
        var help = string.Join("\n", _output);
        Assert.Matches(@"Compile \(default\)\s+Build the solution", help);
        Assert.Matches(@"Test\s+-> Compile\s+Run the tests", help);
        Assert.DoesNotContain("Internal", help);
        Assert.Matches(@"--config <string>\s+Deployment config file. Default: dev-config.yaml.", help);
        Assert.Matches(@"--stop-timeout <int>\s+Seconds to wait for a graceful stop. Default: 3.", help);
        Assert.Matches(@"--json\s", help);
        Assert.True(help.IndexOf("Targets", StringComparison.Ordinal) < help.IndexOf("Parameters", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_target_fails_and_lists_the_targets()
    {
        var exitCode = await RunAsync(Inputs(Sample(), "Deploy"));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("[Error] Target 'Deploy' does not exist. Available targets are: Clean, Compile, Test.", _log);
    }

    [Fact]
    public async Task Every_bad_parameter_is_reported_and_nothing_runs()
    {
        var ran = new List<string>();
        var graph = Of(T("Compile") with { Actions = [Record(ran, "Compile")] });

        var exitCode = await RunAsync(Inputs(graph, "--stop-timeout", "x", "--confg", "a"));

        Assert.Equal(1, exitCode);
        Assert.Empty(ran);
        Assert.Contains(_log, l => l.Contains("'--stop-timeout'") && l.Contains("expected an integer"));
        Assert.Contains(_log, l => l.Contains("Did you mean '--config'?"));
    }

    [Fact]
    public async Task Plan_prints_the_order_writes_mermaid_and_runs_nothing()
    {
        var ran = new List<string>();
        var graph = Of(T("Compile") with { Actions = [Record(ran, "Compile")] }, T("Test", "Compile") with { Actions = [Record(ran, "Test")] });

        var exitCode = await RunAsync(Inputs(graph, "--plan", "Test"));

        Assert.Equal(0, exitCode);
        Assert.Empty(ran);
        Assert.Contains(_output, l => l.Contains("1. Compile"));
        Assert.Contains(_output, l => l.Contains("2. Test"));
        var mermaid = await File.ReadAllTextAsync(Path.Combine(_temp, "plan.md"));
        Assert.Contains("Compile --> Test", mermaid);
    }

    [Fact]
    public async Task A_run_ends_with_the_summary_and_then_the_final_line()
    {
        var graph = Of(T("Compile") with { Actions = [_ => Task.CompletedTask] }, T("Lint") with { Actions = [Fail("style")] });

        var exitCode = await RunAsync(Inputs(graph, "Compile", "--target", "Lint"), Hooks(() => "3 passed, 0 failed"));

        Assert.Equal(1, exitCode);
        Assert.Contains(_output, l => l.StartsWith("Compile") && l.Contains("Succeeded"));
        Assert.Contains(_output, l => l.StartsWith("Lint") && l.Contains("Failed") && l.EndsWith("style"));
        Assert.Equal("Build failed on 2025-01-02 03:04:05.", _output[^2]);
        Assert.Equal("3 passed, 0 failed", _output[^1]);
    }

    [Fact]
    public async Task Parameters_are_bound_before_targets_run()
    {
        var settings = new Settings();
        int? seen = null;
        var graph = Of(T("Compile") with { Actions = [_ => { seen = settings.StopTimeout; return Task.CompletedTask; }] });
        var inputs = new BuildInputs(graph, ParameterDescriptor.Discover(settings), ["Compile"], ["--stop-timeout", "12"],
            new Dictionary<string, string>(), null, _temp);

        Assert.Equal(0, await RunAsync(inputs));
        Assert.Equal(12, seen);
        Assert.Equal("Build succeeded on 2025-01-02 03:04:05.", _output[^1]);
    }
}
