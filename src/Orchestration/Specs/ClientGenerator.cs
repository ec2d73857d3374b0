using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using NJsonSchema.CodeGeneration.CSharp;
using NSwag.CodeGeneration.CSharp;
using NSwag.CodeGeneration.OperationNameGenerators;

namespace Orchestration.Specs;

/// <summary>
/// Typed clients of the deployment-wide <c>openapi.json</c>: C# with NSwag (in this process, one
/// file that needs nothing but System.Text.Json) into <c>{clients}/csharp</c>, and TypeScript types
/// with npm <c>openapi-typescript</c> into <c>{clients}/typescript</c>. A stamp of the spec's text
/// keeps them as they are when the spec did not change.
/// </summary>
public sealed partial class ClientGenerator(SpecLayout layout, Action<string> log)
{
    [System.Text.RegularExpressions.GeneratedRegex(@"\[System\.Runtime\.Serialization\.EnumMember\(Value = @""([^""]*)""\)\]")]
    private static partial System.Text.RegularExpressions.Regex EnumMember();

    public const string StampFile = ".spec-hash";
    public const string CSharpFolder = "csharp";
    public const string TypeScriptFolder = "typescript";
    public const string TypeScriptFile = "schema.d.ts";

    /// <summary>Bumped when the generators or their settings change, so existing clients are regenerated.</summary>
    private const string GeneratorVersion = "nswag-14.8.0;openapi-typescript-7.13.0;4";

    public sealed record Result(bool Generated, string? CSharpFile, string? TypeScriptFile, TimeSpan Elapsed);

    public string Namespace => PascalCase.Of(layout.Name) + ".Client";

    public string CSharpPath => Path.Combine(layout.Clients, CSharpFolder, "Clients.cs");

    public string TypeScriptPath => Path.Combine(layout.Clients, TypeScriptFolder, TypeScriptFile);

    public async Task<Result> GenerateAsync(bool force, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var spec = Path.Combine(layout.Output, SpecSet.OpenApiFile);
        if (!File.Exists(spec))
            throw new SpecException($"{spec} does not exist; run ./build.sh GenerateSpecs (or Start) first.");
        var text = await File.ReadAllTextAsync(spec, cancellationToken).ConfigureAwait(false);
        var stamp = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(GeneratorVersion + "\n" + text)));
        var stampPath = Path.Combine(layout.Clients, StampFile);
        var typeScript = layout.ClientTools is not null;
        if (!force && File.Exists(stampPath) && File.ReadAllText(stampPath).Trim() == stamp && File.Exists(CSharpPath) && (!typeScript || File.Exists(TypeScriptPath)))
            return new Result(false, CSharpPath, typeScript ? TypeScriptPath : null, clock.Elapsed);

        await WriteCSharpAsync(text, cancellationToken).ConfigureAwait(false);
        log($"C# client ({Namespace}): {CSharpPath}");
        if (typeScript)
        {
            await WriteTypeScriptAsync(spec, cancellationToken).ConfigureAwait(false);
            log($"TypeScript client: {TypeScriptPath}");
        }
        File.WriteAllText(stampPath, stamp + "\n");
        return new Result(true, CSharpPath, typeScript ? TypeScriptPath : null, clock.Elapsed);
    }

    /// <summary>The JIT build program's verb that writes the C# client: <c>_build.dll CSharpClient SPEC NAMESPACE OUTPUT</c>.</summary>
    public const string Verb = "CSharpClient";

    /// <summary>The JIT build program, which the native one names in the environment of what it starts.</summary>
    public const string JitProgramVariable = "ORCHESTRATION_JIT_PROGRAM";

    /// <summary>
    /// NSwag reads and writes through reflection and Newtonsoft.Json, which a Native AOT program cannot
    /// run: the native build program (and the supervisor it starts) has the JIT program beside it write
    /// the file. The branch is decided when the program is compiled, so NSwag is not in the native binary.
    /// </summary>
    private async Task WriteCSharpAsync(string spec, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(CSharpPath)!);
        if (System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported)
        {
            await File.WriteAllTextAsync(CSharpPath, await CSharpCodeAsync(spec, Namespace, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            return;
        }
        var jit = Environment.GetEnvironmentVariable(JitProgramVariable) is { Length: > 0 } set && File.Exists(set) ? set
            : throw new SpecException($"The C# client is written by the JIT build program, and {JitProgramVariable} names none; run ./build.sh GenerateClients.");
        var specFile = Path.Combine(layout.Clients, ".openapi-for-csharp.json");
        await File.WriteAllTextAsync(specFile, spec, cancellationToken).ConfigureAwait(false);
        try
        {
            var run = await Cli.Wrap("dotnet").WithArguments([jit, Verb, specFile, Namespace, CSharpPath])
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
            if (run.ExitCode != 0) throw new SpecException($"The C# client could not be written (dotnet {jit} {Verb}, exit {run.ExitCode}):\n{run.StandardOutput}{run.StandardError}".TrimEnd());
        }
        finally
        {
            File.Delete(specFile);
        }
    }

    /// <summary>The verb's work, in the JIT program: <c>CSharpClient SPEC NAMESPACE OUTPUT</c>.</summary>
    [System.Diagnostics.CodeAnalysis.RequiresDynamicCode("NSwag generates through reflection")]
    public static async Task<int> RunVerbAsync(string[] args)
    {
        if (args is not [Verb, var spec, var ns, var output])
        {
            await Console.Error.WriteLineAsync($"usage: {Verb} <openapi.json> <namespace> <output.cs>").ConfigureAwait(false);
            return 2;
        }
        await File.WriteAllTextAsync(output, await CSharpCodeAsync(await File.ReadAllTextAsync(spec).ConfigureAwait(false), ns, CancellationToken.None).ConfigureAwait(false)).ConfigureAwait(false);
        return 0;
    }

    private static async Task<string> CSharpCodeAsync(string spec, string Namespace, CancellationToken cancellationToken)
    {
        var document = await NSwag.OpenApiDocument.FromJsonAsync(spec, cancellationToken).ConfigureAwait(false);
        var settings = new CSharpClientGeneratorSettings
        {
            // One client class per module (the operation ids are <module>_<name>): CoreClient, BrokerClient, ...
            ClassName = "{controller}Client",
            OperationNameGenerator = new PascalOperationNames(),
            GenerateClientInterfaces = true,
            UseBaseUrl = false,
            CSharpGeneratorSettings = { Namespace = Namespace, JsonLibrary = CSharpJsonLibrary.SystemTextJson, PropertyNameGenerator = new PascalPropertyNames() },
        };
        var code = new CSharpClientGenerator(document, settings).GenerateFile();
        // NSwag names enum values with [EnumMember], which System.Text.Json's string enum converter
        // ignores ("buy" would not read as OrderSide.Buy); .NET 9's [JsonStringEnumMemberName] it honours,
        // and the enums are written as strings, as the API does.
        code = EnumMember().Replace(code, m => $"{m.Value}\n        [System.Text.Json.Serialization.JsonStringEnumMemberName(@\"{m.Groups[1].Value}\")]");
        return code.Replace("    public enum ", "    [System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter))]\n    public enum ", StringComparison.Ordinal);
    }

    private async Task WriteTypeScriptAsync(string spec, CancellationToken cancellationToken)
    {
        var tools = layout.ClientTools!;
        await NpmTools.EnsureInstalledAsync(tools, "openapi-typescript", log, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(Path.GetDirectoryName(TypeScriptPath)!);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        var run = await Cli.Wrap("node")
            .WithArguments([Path.Combine(tools, "node_modules", "openapi-typescript", "bin", "cli.js"), spec, "--output", TypeScriptPath])
            .WithWorkingDirectory(tools).WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(timeout.Token).ConfigureAwait(false);
        if (run.ExitCode != 0)
            throw new SpecException($"openapi-typescript exited {run.ExitCode}:\n{run.StandardError}{run.StandardOutput}".TrimEnd());
    }
}

/// <summary>snake_case JSON names as C# names: <c>limit_price</c> → <c>LimitPrice</c>.</summary>
internal static class PascalCase
{
    public static string Of(string name) => string.Concat(name.Split(['_', '-', '.', ' '], StringSplitOptions.RemoveEmptyEntries)
        .Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}

internal sealed class PascalPropertyNames : NJsonSchema.CodeGeneration.IPropertyNameGenerator
{
    public string Generate(NJsonSchema.JsonSchemaProperty property) => PascalCase.Of(property.Name);
}

/// <summary>Operation <c>broker_place_order</c> → <c>BrokerClient.PlaceOrderAsync</c>.</summary>
internal sealed class PascalOperationNames : MultipleClientsFromOperationIdOperationNameGenerator
{
    public override string GetOperationName(NSwag.OpenApiDocument document, string path, string httpMethod, NSwag.OpenApiOperation operation) =>
        PascalCase.Of(base.GetOperationName(document, path, httpMethod, operation));
}

/// <summary>
/// An npm package folder of the repository (package.json and package-lock.json) installed with
/// <c>npm ci</c> on first use; later runs use node_modules as it is, offline.
/// </summary>
public static class NpmTools
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task EnsureInstalledAsync(string folder, string package, Action<string> log, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (File.Exists(Path.Combine(folder, "node_modules", package, "package.json"))) return;
            log($"Installing the npm packages of {folder} (npm ci, once)");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(5));
            BufferedCommandResult install;
            try
            {
                install = await Cli.Wrap("npm").WithArguments(["ci", "--no-audit", "--no-fund"]).WithWorkingDirectory(folder)
                    .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new SpecException($"npm is not installed ({ex.Message}); the TypeScript client needs node 20+ and npm (apt-get install nodejs npm).");
            }
            if (install.ExitCode != 0)
                throw new SpecException($"npm ci in {folder} failed (exit {install.ExitCode}):\n{install.StandardOutput}\n{install.StandardError}".TrimEnd());
        }
        finally
        {
            Gate.Release();
        }
    }
}
