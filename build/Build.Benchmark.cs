using BuildGraph;
using Orchestration.Benchmarks;
using Orchestration.Packages;
using Serilog;

/// <summary>The benchmark (issue 8): lifecycle, gateway, availability, scaling, memory and bootstrap figures in one run.</summary>
partial class Build
{
    [Parameter("Benchmark: run each measurement once with a short load (a smoke check, well under a minute)")]
    readonly bool Quick;

    [Parameter("Benchmark: where to write the JSON report (default .local/bench/latest.json)")]
    readonly string? BenchmarkOutput;

    [Parameter("Benchmark: only these sections, comma-separated (lifecycle, memory, throughput, availability, crash, watch, scaling, aot, bootstrap)")]
    readonly string? BenchmarkOnly;

    Target Benchmark => _ => _
        .Description("Measure Start/Stop/Status/Restart, gateway throughput, failed requests on Restart, scaling, memory and bootstrap on free ports (--quick: once each); writes .local/bench/latest.json")
        .Executes(async ct =>
        {
            var only = BenchmarkOnly?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
            if (only?.FirstOrDefault(s => !BenchmarkSuite.SectionKeys.Contains(s)) is { } unknown)
                throw new TargetFailedException($"--benchmark-only {BenchmarkOnly}: '{unknown}' is not a section. Sections: {string.Join(", ", BenchmarkSuite.SectionKeys)}");
            // The program ./build.sh runs once current: published first (a no-op when it is), and measured.
            string? native = null, nativeMissing = null;
            try
            {
                await PublishNativeAsync(ct);
                native = new Orchestration.Builds.NativeBuildProgram(RootDirectory).Binary;
            }
            catch (Exception ex) when (ex is Orchestration.Builds.BackendBuildException or InvalidOperationException)
            {
                nativeMissing = "no native build program: " + ex.Message.Split('\n')[0];
                Log.Warning("{Why}; the JIT program is measured", nativeMissing);
            }
            var context = new BenchmarkContext
            {
                NativeProgram = native,
                NativeMissing = nativeMissing,
                RepoRoot = RootDirectory,
                Dotnet = Dotnet,
                // The JIT program's dll for its rows: this one's when it runs JIT, the one beside it when it runs native.
                BuildProgram = File.Exists(Path.Combine(AppContext.BaseDirectory, "_build.dll")) ? Path.Combine(AppContext.BaseDirectory, "_build.dll")
                    : Orchestration.Builds.NativeBuildProgram.JitBeside() ?? throw new TargetFailedException("The JIT build program is not beside the native one: run ./build.sh Benchmark"),
                Quick = Quick,
                Only = only,
                JsonOutput = BenchmarkOutput is null ? BenchmarkSuite.DefaultJsonPath(RootDirectory) : Path.GetFullPath(BenchmarkOutput, Environment.CurrentDirectory),
                Log = line => Log.Information("{Line}", line),
            };
            context = await BenchmarkSuite.WithToolsAsync(context, PackageInstaller.ForThisMachine(line => Log.Information("{Line}", line)), ct);
            var outcome = await new BenchmarkSuite(context).RunAsync(ct);
            Console.Out.WriteLine();
            Console.Out.WriteLine(outcome.Report.Markdown());
            Log.Information("Wrote {Json}", Path.GetRelativePath(Environment.CurrentDirectory, outcome.JsonPath));
            if (outcome.Errors.Count > 0)
                throw new TargetFailedException($"{outcome.Errors.Count} measurement(s) failed:\n  " + string.Join("\n  ", outcome.Errors));
        });
}
