using BuildGraph;
using BuildGraph.Tools;
using CliWrap;
using Orchestration.Supervision;
using Serilog;

/// <summary>
/// The build program: <c>./build.sh [targets] [--parameters]</c>. Targets are thin wiring; behaviour lives in
/// src/Orchestration and src/BuildGraph. More targets live in the other Build.*.cs files.
/// </summary>
partial class Build : BuildGraph.Build
{
    public static int Main(string[] args)
    {
        // The detached supervisor is this same program, started by Start with the verb first.
        if (args is [SupervisorHost.Verb, ..]) return SupervisorHost.RunAsync(args).GetAwaiter().GetResult();
        if (System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported)
        {
            if (args is [Orchestration.Specs.ClientGenerator.Verb, ..]) return Orchestration.Specs.ClientGenerator.RunVerbAsync(args).GetAwaiter().GetResult();
        }
        else
        {
            // What the native program cannot run, the JIT program beside it does (and what it starts is told where that is).
            var jit = Orchestration.Builds.NativeBuildProgram.JitBeside();
            if (jit is not null) Environment.SetEnvironmentVariable(Orchestration.Specs.ClientGenerator.JitProgramVariable, jit);
            if (args.Any(a => JitOnlyTargets.Contains(a, StringComparer.OrdinalIgnoreCase))) return Orchestration.Builds.NativeBuildProgram.RunJit(jit, args);
        }
        var code = Execute<Build>(args, x => x.Compile);
        return code == 0 && ExitCodeOverride is { } status ? status : code;
    }

    /// <summary>KubernetesClient builds its YAML serializer by reflection that a Native AOT program lacks.</summary>
    static readonly string[] JitOnlyTargets = ["ExportKubernetes"];

    /// <summary>With --json, stdout carries the JSON alone: the log and the summary go to stderr.</summary>
    protected override void OnBuildInitialized()
    {
        if (!Json) return;
        JsonOut = Console.Out;
        Console.SetOut(Console.Error);
    }

    [Parameter("Configuration to build and test in")]
    readonly Configuration Configuration = Configuration.Debug;

    string Solution => Path.Combine(RootDirectory, "Orchestration.sln");

    string TestResultsDirectory => Path.Combine(TemporaryDirectory, "test-results");

    Target Clean => _ => _
        .Description("Delete bin/ and obj/ under src, tests and build, and the test results")
        .Before(Compile)
        .Executes(() =>
        {
            var folders = new[] { "src", "tests", "build" }
                .Select(folder => Path.Combine(RootDirectory, folder))
                .Where(Directory.Exists)
                .SelectMany(folder => Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories))
                .Where(folder => Path.GetFileName(folder) is "bin" or "obj")
                .Append(TestResultsDirectory)
                .ToList();
            foreach (var folder in folders.Where(Directory.Exists))
            {
                Log.Information("Deleting {Folder}", Path.GetRelativePath(RootDirectory, folder));
                Directory.Delete(folder, recursive: true);
            }
        });

    Target PublishBuildProgram => _ => _
        .Description("Publish this build program Native AOT into .nuke/temp/native (./build.sh does it in the background and then runs it)")
        .Executes(PublishNativeAsync);

    async Task PublishNativeAsync(CancellationToken ct)
    {
        var native = new Orchestration.Builds.NativeBuildProgram(RootDirectory);
        var published = await native.EnsureAsync(AotPublisher(), Path.Combine(RootDirectory, "build", "_build.csproj"), line => Log.Information("{Line}", line), ct);
        if (published is null) Log.Information("Native build program up to date: {Binary}", native.Binary);
        else Log.Information("Native build program published in {Seconds:0.0} s: {Binary} ({Size:0.0} MB)",
            published.CompileTime.TotalSeconds, native.Binary, published.Size / 1048576.0);
    }

    static Orchestration.Builds.AotPublisher AotPublisher() => new(Dotnet, token => Orchestration.Builds.PublishChoice.EnsureToolchainAsync(
        Orchestration.Packages.PackageInstaller.ForThisMachine(line => Log.Information("{Line}", line)), token));

    Target Compile => _ => _
        .Description("Build the solution")
        .Executes(ct => ProcessRunner.RunCheckedAsync(
            Cli.Wrap("dotnet").WithArguments(["build", Solution, "--configuration", Configuration.ToString(), "-nologo"]),
            ct));

    Target Test => _ => _
        .Description("Run every test of the solution; prints 'N passed, N failed' as the last line")
        .DependsOn(Compile, EnsureNginx)
        .Executes(async ct =>
        {
            // The bundled backend's Native AOT binary, which tests run beside its JIT build: published
            // here, before any test, so the minutes of native compile never overlap timed tests.
            var aot = await AotPublisher().EnsurePublishedAsync(BundledProject, ct);
            Log.Information("Native AOT TradingApi for the tests: {What}", aot.WasUpToDate ? "up to date" : $"published in {aot.CompileTime.TotalSeconds:0} s");
            // And this program's native publish, which the tests compare with the JIT one.
            await PublishNativeAsync(ct);
            // The spec, client and Kubernetes schema tests run npm packages (installed by the tests with
            // npm ci into their own folders): a fresh machine gets node and npm here, as root with apt-get.
            var npm = await Orchestration.Packages.PackageInstaller.ForThisMachine(line => Log.Information("{Line}", line)).EnsureAsync("npm", ["npm"], ct);
            if (!npm.Found) Log.Warning("node and npm are missing ({Error}): the spec, client and Kubernetes schema tests will fail", npm.Error);
            var run = await DotNetTest.RunAsync(Solution, Configuration.ToString(), TestResultsDirectory, ct);
            Log.Information("{Counts}", run.Counts);
            ReportFinalLine(run.Counts.ToString());
            run.EnsureSucceeded();
        });
}
