using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;

namespace Integration.Tests;

/// <summary>
/// NUKE's trio of bootstrap scripts, verified rather than hoped: build.ps1 runs under PowerShell (the
/// PowerShell .NET tool from dotnet-tools.json) on a copy of the build program's sources, compiles
/// once, and agrees with build.sh on what needs compiling.
/// </summary>
public sealed class BootstrapTests
{
    private static readonly string[] Sources = ["build", "src/BuildGraph", "src/Orchestration", "src/Orchestration.Benchmarks", ".nuke"];
    private static readonly string[] RootFiles = ["build.sh", "build.ps1", "build.cmd", "global.json", "Directory.Build.props", "Directory.Packages.props", "dotnet-tools.json", "Orchestration.sln", ".editorconfig"];

    [Fact]
    public async Task Build_ps1_under_PowerShell_compiles_once_lists_the_targets_and_build_sh_then_reuses_its_build()
    {
        var restore = await Run(Repo.Root, "dotnet", ["tool", "restore"]);
        Assert.True(restore.ExitCode == 0, $"dotnet tool restore (PowerShell {Repo.Root}/dotnet-tools.json) failed:\n{restore.StandardOutput}{restore.StandardError}");
        var copy = Path.Combine("/tmp", "orch-bootstrap-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            CopySources(copy);
            var pwsh = new[] { "pwsh", "-NoProfile", "-File", Path.Combine(copy, "build.ps1"), "--help" };

            var first = await Run(Repo.Root, "dotnet", pwsh); // the tool manifest is found from the repository's folder
            var second = await Run(Repo.Root, "dotnet", pwsh);
            var sh = await Run(copy, Path.Combine(copy, "build.sh"), ["--help"]);

            Assert.True(first.ExitCode == 0, $"build.ps1 --help: exit {first.ExitCode}\n{first.StandardOutput}{first.StandardError}");
            Assert.Contains("Compiling the build program", first.StandardOutput + first.StandardError);
            Assert.Contains("Start", first.StandardOutput);
            Assert.True(second.ExitCode == 0, second.StandardError);
            Assert.DoesNotContain("Compiling", second.StandardOutput + second.StandardError); // its stamp holds
            Assert.True(sh.ExitCode == 0, sh.StandardError);
            Assert.DoesNotContain("Compiling", sh.StandardOutput + sh.StandardError); // build.sh reads the same stamp
            Assert.Equal(Targets(sh.StandardOutput), Targets(first.StandardOutput));
        }
        finally
        {
            if (Directory.Exists(copy)) Directory.Delete(copy, recursive: true);
        }
    }

    private static IReadOnlyList<string> Targets(string help) =>
        help.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal) && !l.TrimStart().StartsWith('-')).Select(l => l.Trim()).ToList();

    private static void CopySources(string copy)
    {
        foreach (var folder in Sources)
        {
            var from = Path.Combine(Repo.Root, folder);
            foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(Repo.Root, file);
                if (relative.Split('/').Any(part => part is "bin" or "obj" or "temp")) continue;
                var target = Path.Combine(copy, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
        foreach (var file in RootFiles.Where(f => File.Exists(Path.Combine(Repo.Root, f))))
            File.Copy(Path.Combine(Repo.Root, file), Path.Combine(copy, file));
        File.SetUnixFileMode(Path.Combine(copy, "build.sh"), File.GetUnixFileMode(Path.Combine(Repo.Root, "build.sh")));
    }

    private static async Task<BufferedCommandResult> Run(string directory, string program, string[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        return await Cli.Wrap(program).WithArguments(args).WithWorkingDirectory(directory)
            // The JIT program only: no native publish in the background of a copy the test deletes.
            .WithEnvironmentVariables(e => e.Set("NO_COLOR", "1").Set("TERM", "dumb").Set("ORCHESTRATION_BUILD_PROGRAM", "jit"))
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(timeout.Token);
    }
}
