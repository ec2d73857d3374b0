using System.Diagnostics;
using Orchestration.Config;
using Orchestration.IO;
using Orchestration.Supervision;

namespace Orchestration.Lifecycle;

/// <summary>
/// Starts the detached supervisor: its own session (survives the terminal and this process), stdio
/// on a file (never on our pipes, so a caller reading our output is not held open), running from a
/// private copy of this program so a rebuild of the build program never pulls files from under it.
/// </summary>
/// <param name="host">The program that runs <paramref name="entry"/> (<c>dotnet</c>), or null when the entry is a native executable.</param>
/// <param name="entry">The file in <paramref name="programDirectory"/> to run: <c>_build.dll</c>, or the Native AOT <c>_build</c>.</param>
public sealed class SupervisorLauncher(LocalPaths paths, string? host, string programDirectory, string entry)
{
    /// <summary>This build program, as it runs now: the JIT program through dotnet, or its Native AOT publish.</summary>
    public static SupervisorLauncher ForThisProgram(LocalPaths paths)
    {
        var (host, entry) = SupervisorProgram.ThisProgram();
        return new(paths, host, AppContext.BaseDirectory, entry);
    }

    public string ProgramCopy => Path.Combine(paths.Root, "supervisor");

    /// <summary>Writes the plan, launches the supervisor and waits until its socket answers.</summary>
    public async Task<ControlClient> LaunchAsync(SupervisorPlan plan, CancellationToken cancellationToken)
    {
        PrivateDirectory.Create(paths.Root);
        PrivateDirectory.Create(paths.Logs);
        var planPath = paths.Plan;
        plan.Save(planPath);
        // Exact: a copy that kept another build's files (the JIT program's beside the native one's) would
        // never have this program's stamp, and every Restart would replace the supervisor in place for nothing.
        DirectoryMirror.Copy(programDirectory, ProgramCopy, removeOthers: true);
        var console = Path.Combine(paths.Logs, "supervisor.console.log");
        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = paths.Root,
        };
        // sh forks the supervisor into the background and exits: the supervisor is nobody's child
        // but init's, in a session of its own, with stdio on a file.
        var program = SupervisorProgram.Command(host, Path.Combine(ProgramCopy, entry), SupervisorHost.Verb, "--plan", planPath);
        foreach (var arg in new[] { "-c", "log=$1; shift; setsid \"$@\" </dev/null >>\"$log\" 2>&1 &", "sh", console }.Concat(program))
            start.ArgumentList.Add(arg);
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in SupervisorHost.RuntimeKnobs.Where(k => !start.Environment.ContainsKey(k.Name)))
        {
            start.Environment[name] = value;
            start.Environment[SupervisorHost.KnobsVariable] = (start.Environment.TryGetValue(SupervisorHost.KnobsVariable, out var set) && set is { Length: > 0 } ? set + "," : "") + name;
        }
        // Once the shell runs, a supervisor is on its way: a cancel (Ctrl-C) must not abandon it
        // half-started where the rollback cannot see it. Wait until it answers (or is known not to
        // have started), and only then give the cancel its turn; the rollback then stops it.
        using (var shell = Process.Start(start)!)
            await shell.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);

        var client = new ControlClient(paths.ControlSocket);
        var answered = await Poll.UntilAsync(async () =>
            await client.SendAsync(new ControlRequest(ControlCommands.Ping), TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false) is { Ok: true },
            TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(10), CancellationToken.None).ConfigureAwait(false);
        if (!answered)
        {
            var tail = string.Join('\n', Logs.LogFiles.LastLines(console, 20));
            throw new InvalidOperationException($"The supervisor did not start within 15 s. {console}:\n{tail}");
        }
        cancellationToken.ThrowIfCancellationRequested();
        return client;
    }
}
