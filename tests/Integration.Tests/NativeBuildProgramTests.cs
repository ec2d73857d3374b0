using System.Net;
using System.Text;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using Orchestration.Processes;

namespace Integration.Tests;

/// <summary>
/// The build program's Native AOT publish (what ./build.sh runs once it is current) against the JIT
/// program the other tests run: the same targets and parameters, the same files written, and a whole
/// stack started, reported, operated and stopped by it, its supervisor native too.
/// </summary>
public sealed class NativeBuildProgramTests
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task Help_lists_the_same_targets_and_parameters_as_the_JIT_program()
    {
        var jit = await RunAsync("dotnet", [Repo.BuildProgram, "--help"]);
        var native = await RunAsync(Repo.NativeBuildProgram, ["--help"]);
        Assert.Equal(0, native.ExitCode);
        Assert.Contains("Status", native.Output);
        Assert.Contains("--config", native.Output);
        Assert.Equal(jit.Output, native.Output);
    }

    [Fact]
    public async Task A_stack_started_by_the_native_program_runs_a_native_supervisor_reports_and_stops_clean()
    {
        await using var stack = new TestStack(p => Configs.Default(p, brokerInstances: 2)) { NativeProgram = Repo.NativeBuildProgram };
        var stopped = await stack.RunAsync("Status");
        Assert.True(stopped.ExitCode == 3, stopped.ToString());

        await stack.RunOkAsync("Start");
        var state = stack.State!;
        // The supervisor is the native program too (a copy in local_dir), not dotnet running a dll.
        var supervisorExe = new FileInfo($"/proc/{state.Supervisor.Pid}/exe").LinkTarget;
        Assert.Equal(Path.Combine(stack.LocalDir, "supervisor", "_build"), supervisorExe);

        var broker = await Http.GetAsync($"http://127.0.0.1:{stack.Ports.Gateway}/api/v1/broker/health");
        Assert.Equal(HttpStatusCode.OK, broker.StatusCode);

        var status = await stack.RunAsync("Status", "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        using (var json = JsonDocument.Parse(status.StandardOutput))
        {
            Assert.Equal("running", json.RootElement.GetProperty("overall").GetString());
            var rows = json.RootElement.GetProperty("processes").EnumerateArray().ToList();
            Assert.Contains(rows, r => r.GetProperty("name").GetString() == "broker-1" && r.GetProperty("state").GetString() == "running");
        }

        // A live operation through the control socket (JSON both ways, source-generated in both programs).
        var pid = state.Processes.Single(p => p.Name == "broker-1").Pid;
        await stack.RunOkAsync("Restart", "--server", "broker", "--instance", "1");
        Assert.NotEqual(pid, stack.State!.Processes.Single(p => p.Name == "broker-1").Pid);

        await stack.RunOkAsync("Stop");
        Assert.All(state.Processes.Append(state.Supervisor), p => Assert.Null(p.Identity.FindAlive()));
        Assert.All(state.Processes, p => Assert.True(PortProbe.IsFree(p.Port), $"port {p.Port} of {p.Name} still taken"));
    }

    [Fact]
    public async Task Exports_write_the_same_files_as_the_JIT_program()
    {
        await using var stack = new TestStack(p => Configs.Default(p, brokerInstances: 2));
        foreach (var (name, program) in new[] { ("jit", (string?)null), ("native", Repo.NativeBuildProgram) })
        {
            await RunInAsync(program, stack, ["ExportCompose", "--output", Path.Combine(stack.Directory, name, "compose.yaml")]);
            await RunInAsync(program, stack, ["ExportKubernetes", "--output", Path.Combine(stack.Directory, name, "k8s")]);
        }
        var jitFiles = Directory.EnumerateFiles(Path.Combine(stack.Directory, "jit"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(stack.Directory, "jit"), f)).Order().ToList();
        Assert.Contains("compose.yaml", jitFiles);
        Assert.Contains(Path.Combine("k8s", "kustomization.yaml"), jitFiles);
        foreach (var file in jitFiles)
            Assert.Equal(File.ReadAllText(Path.Combine(stack.Directory, "jit", file)), File.ReadAllText(Path.Combine(stack.Directory, "native", file)));
        Assert.Equal(jitFiles, Directory.EnumerateFiles(Path.Combine(stack.Directory, "native"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(stack.Directory, "native"), f)).Order().ToList());
    }

    private static async Task RunInAsync(string? program, TestStack stack, string[] args)
    {
        var result = program is null
            ? await RunAsync("dotnet", [Repo.BuildProgram, .. args, "--config", stack.ConfigPath])
            : await RunAsync(program, [.. args, "--config", stack.ConfigPath]);
        Assert.True(result.ExitCode == 0, $"{program ?? "jit"} {string.Join(' ', args)}: {result}");
    }

    private static async Task<RunResult> RunAsync(string program, string[] args)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var started = DateTime.UtcNow;
        var result = await Cli.Wrap(program).WithArguments(args).WithWorkingDirectory(Repo.Root)
            .WithEnvironmentVariables(e => e.Set("NO_COLOR", "1").Set("TERM", "dumb"))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Encoding.UTF8, cts.Token);
        return new RunResult(result.ExitCode, result.StandardOutput + result.StandardError, DateTime.UtcNow - started, result.StandardOutput);
    }
}
