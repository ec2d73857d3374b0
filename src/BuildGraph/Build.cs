using System.Diagnostics.CodeAnalysis;
using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.InteropServices;
using BuildGraph.Reporting;
using BuildGraph.Graph;
using BuildGraph.Logging;
using BuildGraph.Parameters;
using Serilog;

namespace BuildGraph;

/// <summary>
/// Base class of a build program. Targets are the <see cref="Target"/> properties of the derived class,
/// parameters its <see cref="ParameterAttribute"/> members. <c>Main</c> calls <see cref="Execute{T}"/>.
/// </summary>
public abstract class Build
{
    private Func<bool>? _isSucceeding;
    private string? _finalLine;

    /// <summary>The folder that holds <c>.nuke/</c>.</summary>
    public string RootDirectory { get; internal set; } = Directory.GetCurrentDirectory();

    /// <summary><c>RootDirectory/.nuke/temp</c>: logs, plan, test results, the compiled build program.</summary>
    public string TemporaryDirectory => Path.Combine(RootDirectory, ".nuke", "temp");

    /// <summary>False once a target has failed or was aborted.</summary>
    public bool IsSucceeding => _isSucceeding?.Invoke() ?? true;

    /// <summary>Called after parameters are bound and the plan is made, before the first target runs.</summary>
    protected virtual void OnBuildInitialized()
    {
    }

    /// <summary>Called after the summary was printed.</summary>
    protected virtual void OnBuildFinished()
    {
    }

    /// <summary>Prints <paramref name="line"/> as the very last line of output, after the summary (CI reads it).</summary>
    protected void ReportFinalLine(string line) => _finalLine = line;

    /// <summary>What discovery reads by reflection: the targets (properties) and [Parameter] fields and properties.
    /// Declared so a Native AOT publish of the build program keeps them.</summary>
    internal const DynamicallyAccessedMemberTypes Discovered =
        DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.NonPublicProperties |
        DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields;

    protected static int Execute<[DynamicallyAccessedMembers(Discovered)] T>(string[] args, params Expression<Func<T, Target>>[] defaultTargets)
        where T : Build, new() =>
        ExecuteAsync(args, defaultTargets).GetAwaiter().GetResult();

    protected static async Task<int> ExecuteAsync<[DynamicallyAccessedMembers(Discovered)] T>(string[] args, params Expression<Func<T, Target>>[] defaultTargets)
        where T : Build, new()
    {
        var build = new T { RootDirectory = FindRootDirectory() };
        BuildInputs inputs;
        try
        {
            inputs = CollectInputs(build, args, defaultTargets);
        }
        catch (BuildUsageException ex)
        {
            await Console.Error.WriteLineAsync($"Build definition error: {ex.Message}");
            return BuildRunner.Failure;
        }

        SchemaWriter.WriteIfChanged(Path.Combine(build.RootDirectory, ".nuke", "build.schema.json"),
            SchemaWriter.Render(inputs.Graph, inputs.Parameters));

        using var cancel = new CancellationTokenSource();
        using var cancelAssured = new CancellationTokenSource();
        using var signals = new SignalHandler(cancel, cancelAssured);
        var hooks = new BuildHooks
        {
            WriteLine = BuildLogging.WriteRaw,
            BeforeExecution = () =>
            {
                BuildLogging.Configure(build.TemporaryDirectory);
                signals.Register();
            },
            Initialized = isSucceeding =>
            {
                build._isSucceeding = isSucceeding;
                build.OnBuildInitialized();
            },
            Finished = build.OnBuildFinished,
            FinalLine = () => build._finalLine,
        };

        try
        {
            return await BuildRunner.RunAsync(inputs, hooks, cancel.Token, cancelAssured.Token);
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }

    internal static BuildInputs CollectInputs<[DynamicallyAccessedMembers(Discovered)] T>(T build, string[] args, Expression<Func<T, Target>>[] defaultTargets)
        where T : Build
    {
        var targets = typeof(T)
            .GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(p => p.PropertyType == typeof(Target) && p.GetMethod is not null)
            .OrderBy(DeclarationOrder.Of)
            .Select(p => (p.Name, Target: (Target)p.GetValue(build)!))
            .ToList();
        var defaults = defaultTargets
            .Select(e => e.Body is MemberExpression m ? m.Member.Name : throw new BuildUsageException($"Default target {e} must be a target property, like x => x.Compile."))
            .ToList();

        var parametersFile = Path.Combine(build.RootDirectory, ".nuke", "parameters.json");
        return new BuildInputs(
            TargetGraph.FromDelegates(targets),
            ParameterDescriptor.Discover<T>(build),
            defaults,
            args,
            Environment.GetEnvironmentVariables().Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? ""),
            File.Exists(parametersFile) ? File.ReadAllText(parametersFile) : null,
            build.TemporaryDirectory);
    }

    /// <summary>The nearest folder with a <c>.nuke</c> folder, above the current directory, else above the program.</summary>
    private static string FindRootDirectory()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (Directory.Exists(Path.Combine(directory.FullName, ".nuke")))
                    return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    /// <summary>First Ctrl-C or SIGTERM cancels the running target; the second also the assured ones; the third ends the process.</summary>
    private sealed class SignalHandler(CancellationTokenSource cancel, CancellationTokenSource cancelAssured) : IDisposable
    {
        private readonly List<IDisposable> _registrations = [];
        private int _count;

        public void Register()
        {
            Console.CancelKeyPress += OnCancelKeyPress;
            try
            {
                _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => context.Cancel = Signal()));
            }
            catch (PlatformNotSupportedException)
            {
                // Ctrl-C still works through Console.CancelKeyPress.
            }
        }

        public void Dispose()
        {
            Console.CancelKeyPress -= OnCancelKeyPress;
            _registrations.ForEach(r => r.Dispose());
        }

        private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e) => e.Cancel = Signal();

        /// <returns>Whether to keep the process alive.</returns>
        private bool Signal()
        {
            switch (Interlocked.Increment(ref _count))
            {
                case 1:
                    Log.Warning("Cancelling the running target; AssuredAfterFailure targets still run (signal again to cancel them too)");
                    cancel.Cancel();
                    return true;
                case 2:
                    Log.Warning("Cancelling the AssuredAfterFailure targets");
                    cancelAssured.Cancel();
                    return true;
                default:
                    return false;
            }
        }
    }
}
