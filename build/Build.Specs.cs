using System.Diagnostics;
using BuildGraph;
using Orchestration.Builds;
using Orchestration.Nginx;
using Orchestration.Packages;
using Orchestration.Processes;
using Orchestration.Specs;
using Serilog;

/// <summary>
/// Spec files (OpenAPI per module and version, AsyncAPI of the WebSockets, the deployment-wide merge)
/// and the typed clients made from them. Start writes the specs from the running instances
/// (WriteSpecs); GenerateSpecs writes them without starting anything; GenerateClients turns them into
/// a C# and a TypeScript client.
/// </summary>
partial class Build
{
    [Parameter("GenerateSpecs: compare the spec files with what the code produces, write nothing, fail when they differ (for CI)")]
    readonly bool Check;

    [Parameter("GenerateClients: regenerate the clients even when no spec changed")]
    readonly bool Force;

    /// <summary>The npm package folder of openapi-typescript (installed with npm ci on first use).</summary>
    string ClientTools => Path.Combine(RootDirectory, "tools", "clients");

    /// <summary>The specs of this deployment; <paramref name="workers"/> given: with the folder the gateway reads.</summary>
    SpecLayout SpecsLayout(NginxWorkers? workers = null) =>
        SpecLayout.For(Deployment, ClientTools, workers is null ? null : SpecServing.Folder(Deployment, workers));

    Target GenerateSpecs => _ => _
        .Description("Write the OpenAPI/AsyncAPI spec files without starting anything (--check: fail when they are stale, listing breaking changes)")
        .DependsOn(ValidateConfig)
        .Executes(async ct =>
        {
            var clock = Stopwatch.StartNew();
            var layout = SpecsLayout();
            var builder = new BackendBuilder(Dotnet);
            var builds = new Dictionary<string, Task<BackendBuilder.Built>>();
            var documents = await Task.WhenAll(layout.Servers.Select(name => Deployment.Servers.First(s => s.Name == name)).Select(async server =>
            {
                if (!server.IsDotNetProject || server.Project is null)
                    throw new TargetFailedException($"servers.{server.Name} runs a command ({string.Join(' ', server.Command ?? [])}): GenerateSpecs reads the documents " +
                        $"of .NET projects without starting them. Start the deployment instead: Start writes every server's specs from its running instance.");
                Task<BackendBuilder.Built> build;
                lock (builds)
                {
                    if (!builds.TryGetValue(server.Project, out build!)) builds[server.Project] = build = builder.EnsureBuiltAsync(server.Project, ct);
                }
                var built = await build;
                try
                {
                    return await SpecSources.EmitAsync(Deployment, server, Dotnet, built.TargetPath, ct);
                }
                catch (SpecException ex)
                {
                    throw new TargetFailedException(ex.Message);
                }
            }));
            var set = SpecSet.Build(layout, documents);
            foreach (var conflict in set.Conflicts) Log.Warning("Two modules define {What} differently; the deployment-wide document keeps the first", conflict);
            var changes = SpecFiles.Compare(layout.Output, set);
            var breaking = SpecFiles.Breaking(layout.Output, set, changes);
            var folder = Path.GetRelativePath(Environment.CurrentDirectory, layout.Output);
            foreach (var change in changes) Log.Information("  {Kind,-8} {Path}", change.Kind, Path.Combine(folder, change.Path));
            foreach (var line in breaking) Log.Warning("  breaking: {Change}", line);
            if (Check)
            {
                if (changes.Count == 0)
                {
                    Log.Information("Specs in {Folder} are up to date ({Count} files, {Ms:0} ms)", folder, set.Files.Count, clock.Elapsed.TotalMilliseconds);
                    return;
                }
                throw new TargetFailedException($"specs are stale, run ./build.sh GenerateSpecs{ConfigArgument} ({changes.Count} file(s) differ" +
                    (breaking.Count > 0 ? $"; {breaking.Count} breaking change(s): {string.Join("; ", breaking)})" : ")"));
            }
            SpecFiles.Write(layout.Output, set);
            Log.Information("Specs in {Folder}: {Changed} of {Count} files rewritten in {Seconds:0.0} s", folder, changes.Count, set.Files.Count, clock.Elapsed.TotalSeconds);
        });

    Target GenerateClients => _ => _
        .Description("Generate the C# (NSwag) and TypeScript (openapi-typescript) clients of the deployment's openapi.json into specs.clients, when a spec changed (--force: always)")
        .DependsOn(GenerateSpecs)
        .Executes(async ct =>
        {
            var npm = await PackageInstaller.ForThisMachine(line => Log.Information("{Line}", line)).EnsureAsync("npm", ["npm"], ct);
            if (!npm.Found) throw new TargetFailedException($"The TypeScript client needs node and npm: {npm.Error}");
            try
            {
                var result = await new ClientGenerator(SpecsLayout(), line => Log.Information("{Line}", line)).GenerateAsync(Force, ct);
                Log.Information(result.Generated ? "Clients generated in {Seconds:0.0} s" : "Clients up to date (no spec changed; --force regenerates) in {Seconds:0.0} s",
                    result.Elapsed.TotalSeconds);
            }
            catch (SpecException ex)
            {
                throw new TargetFailedException(ex.Message);
            }
        });

    Target WriteSpecs => _ => _
        .Description("Write the spec files from the running instances (part of Start), and the clients when a spec changed and they exist")
        .DependsOn(WaitHealthy)
        .OnlyWhenDynamic(() => !AlreadyRunning && Deployment.Specs.Enabled)
        .Executes(async ct =>
        {
            var urls = Deployment.Instances.Where(i => i.Index == 0).ToDictionary(i => i.Server.Name, i => i.Url);
            var layout = SpecsLayout(NginxWorkersOrFail());
            var folder = Path.GetRelativePath(Environment.CurrentDirectory, Deployment.Specs.Output);
            var inputs = new SpecInputs(Deployment.Paths);
            if (SpecInputs.Describe(Deployment, layout, BuiltBackends) is { } described && inputs.UpToDate(described))
            {
                Log.Information("Specs in {Folder}: up to date (the config and the backends' builds are what they were read from)", folder);
                return;
            }
            try
            {
                var outcome = await new SpecRefresher(layout, line => Log.Information("{Line}", line)).RefreshAsync(urls, ct);
                inputs.Record(SpecInputs.Describe(Deployment, layout, BuiltBackends));
                Log.Information("Specs in {Folder}: {Changed} file(s) changed{Clients} ({Ms:0} ms)", folder,
                    outcome.Changes.Count, outcome.ClientsGenerated ? ", clients regenerated" : "", outcome.Elapsed.TotalMilliseconds);
            }
            catch (SpecException ex)
            {
                // The stack serves without them: a backend without documents is still a backend.
                inputs.Forget();
                Log.Warning("Spec files not written: {Reason}", ex.Message);
            }
        });
}
