using BuildGraph.Reporting;
using BuildGraph.Execution;
using BuildGraph.Graph;
using BuildGraph.Parameters;
using BuildGraph.Planning;
using Serilog;

namespace BuildGraph;

/// <summary>Everything one run needs, taken from the process by <see cref="Build"/> or built by hand in tests.</summary>
internal sealed record BuildInputs(
    TargetGraph Graph,
    IReadOnlyList<ParameterDescriptor> Parameters,
    IReadOnlyList<string> DefaultTargets,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Environment,
    string? ParametersJson,
    string TemporaryDirectory);

/// <summary>Hooks into the build object and the outside world.</summary>
internal sealed class BuildHooks
{
    public Action<string> WriteLine { get; init; } = Console.Out.WriteLine;
    /// <summary>Null: the static Serilog logger as configured by <see cref="BeforeExecution"/>.</summary>
    public ILogger? Log { get; init; }
    public Action BeforeExecution { get; init; } = () => { };
    public Action<Func<bool>> Initialized { get; init; } = _ => { };
    public Action Finished { get; init; } = () => { };
    public Func<string?> FinalLine { get; init; } = () => null;
    public Func<DateTime> Now { get; init; } = () => DateTime.Now;
}

/// <summary>One invocation: help, binding, planning, <c>--plan</c>, execution and the summary. Returns the exit code.</summary>
internal static class BuildRunner
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Cancelled = 130;

    public static async Task<int> RunAsync(BuildInputs inputs, BuildHooks hooks, CancellationToken cancel, CancellationToken cancelAssured)
    {
        var commandLine = CommandLine.Parse(inputs.Args);
        if (commandLine.Has("help") || commandLine.Has("h"))
        {
            foreach (var line in HelpWriter.Lines(inputs.Graph, inputs.Parameters, inputs.DefaultTargets))
                hooks.WriteLine(line);
            return Success;
        }

        hooks.BeforeExecution();
        var log = hooks.Log ?? Log.Logger;
        try
        {
            var plan = Prepare(inputs, commandLine, log);
            if (commandLine.Has("plan"))
                return WritePlan(inputs, plan, hooks);

            var executor = new TargetExecutor(plan);
            hooks.Initialized(() => executor.IsSucceeding);
            executor.Prepare();
            var result = await executor.RunAsync(cancel, cancelAssured);
            foreach (var line in SummaryWriter.Lines(result, hooks.Now()))
                hooks.WriteLine(line);
            hooks.Finished();
            if (hooks.FinalLine() is { } finalLine)
                hooks.WriteLine(finalLine);
            return result.Succeeded ? Success : result.Cancelled ? Cancelled : Failure;
        }
        catch (BuildUsageException ex)
        {
            foreach (var line in ex.Message.Split('\n'))
                log.Error("{Message}", line.TrimEnd());
            log.Error("Build failed on {Time:yyyy-MM-dd HH:mm:ss}: nothing was run.", hooks.Now());
            return Failure;
        }
    }

    /// <summary>Binds parameters and plans; throws <see cref="BuildUsageException"/> listing every problem.</summary>
    public static ExecutionPlan Prepare(BuildInputs inputs, CommandLine commandLine, ILogger log)
    {
        var binding = new ParameterBinder(inputs.Parameters).Bind(commandLine, inputs.Environment, inputs.ParametersJson);
        foreach (var warning in binding.Warnings)
            log.Warning("{Message}", warning);
        if (binding.Errors.Count > 0)
            throw new BuildUsageException(string.Join("\n", binding.Errors));
        foreach (var (parameter, value) in binding.Values)
            parameter.Set(value);

        // Flags of the engine take no value: words after them are targets (./build.sh --plan Test).
        var invoked = commandLine.Positional
            .Concat(binding.ExtraTargets)
            .Concat(commandLine.Find("plan")?.Values ?? [])
            .Concat(commandLine.Find("target")?.Values ?? [])
            .ToList();
        var skip = commandLine.Find("skip")?.Values;
        return ExecutionPlanner.Plan(inputs.Graph, invoked.Count > 0 ? invoked : inputs.DefaultTargets, skip);
    }

    private static int WritePlan(BuildInputs inputs, ExecutionPlan plan, BuildHooks hooks)
    {
        foreach (var line in PlanWriter.Lines(plan))
            hooks.WriteLine(line);
        var file = Path.Combine(inputs.TemporaryDirectory, "plan.md");
        Directory.CreateDirectory(inputs.TemporaryDirectory);
        File.WriteAllText(file, PlanWriter.Mermaid(plan));
        hooks.WriteLine("");
        hooks.WriteLine($"Mermaid graph written to {file}");
        return Success;
    }
}
