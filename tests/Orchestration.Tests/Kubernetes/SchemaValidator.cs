using CliWrap;
using CliWrap.Buffered;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Kubernetes;

/// <summary>
/// Runs <c>validate/validate.mjs</c> (node, the npm package kubernetes-models: the Kubernetes v1.36
/// OpenAPI schema) on YAML files. Installs the pinned packages with <c>npm ci</c> the first time, so a
/// fresh clone validates in CI; a machine without node or npm fails the test with the reason.
/// </summary>
public static class SchemaValidator
{
    public static string Folder { get; } = RepoPaths.File("tests", "Orchestration.Tests", "Kubernetes", "validate");

    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    public sealed record Result(int ExitCode, string Output, string Errors)
    {
        public override string ToString() => $"exit {ExitCode}\n{Output}\n{Errors}";
    }

    public static async Task<Result> ValidateAsync(IEnumerable<string> files)
    {
        await EnsureInstalledAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var run = await Cli.Wrap("node").WithArguments(["validate.mjs", .. files]).WithWorkingDirectory(Folder)
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(timeout.Token);
        return new Result(run.ExitCode, run.StandardOutput, run.StandardError);
    }

    private static async Task EnsureInstalledAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            if (File.Exists(Path.Combine(Folder, "node_modules", "kubernetes-models", "package.json"))) return;
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            BufferedCommandResult install;
            try
            {
                install = await Cli.Wrap("npm").WithArguments(["ci", "--no-audit", "--no-fund"]).WithWorkingDirectory(Folder)
                    .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(timeout.Token);
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new InvalidOperationException($"npm is not installed ({ex.Message}); the Kubernetes schema tests need node 20+ and npm (apt-get install nodejs npm).", ex);
            }
            if (install.ExitCode != 0)
                throw new InvalidOperationException($"npm ci in {Folder} failed (exit {install.ExitCode}):\n{install.StandardOutput}\n{install.StandardError}");
        }
        finally
        {
            InstallGate.Release();
        }
    }
}
