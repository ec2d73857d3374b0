using BuildGraph;
using Orchestration.Lifecycle;
using Orchestration.Logs;
using Orchestration.Supervision;
using Serilog;
using Spectre.Console;

/// <summary>Looking at a running stack: Status and the log targets.</summary>
partial class Build
{
    [Parameter("Status: print the report as JSON (for scripts)")]
    readonly bool Json;

    [Parameter("LogsTail: how many lines to show before following")]
    readonly int Lines = 50;

    [Parameter("LogsTail: only this server (broker) or instance (broker-0); Restart: only this server's instances")]
    readonly string? Server;

    [Parameter("LogsTail, LogsTailNginx: print and exit instead of following")]
    readonly bool NoFollow;

    /// <summary>Status's exit code (0 running, 1 degraded, 3 stopped) replaces the build's when Status succeeded.</summary>
    internal static int? ExitCodeOverride;

    TextWriter JsonOut = Console.Out;

    Target Status => _ => _
        .Description("Show every process, its health per module, uptime, restarts and memory (exit 0 running, 1 degraded, 3 stopped)")
        .DependsOn(ValidateConfig)
        .Executes(async ct =>
        {
            if (Swarm)
            {
                await SwarmStatusAsync(ct);
                return;
            }
            var report = await new StatusCommand(Deployment).RunAsync(ct);
            if (Json) JsonOut.WriteLine(StatusView.Json(report));
            else StatusView.Render(report, StatusConsole());
            ExitCodeOverride = report.ExitCode;
        });

    /// <summary>Spectre's console, wide enough for the table when the output is a pipe or a file (it assumes 80).</summary>
    static IAnsiConsole StatusConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected) console.Profile.Width = 160;
        return console;
    }

    Target LogsTail => _ => _
        .Description("Follow the unified log of every process (--lines N, --server NAME, --no-follow)")
        .DependsOn(ValidateConfig)
        .Executes(ct => new LogTail(Deployment.Paths.UnifiedLog, Console.Out.WriteLine, Server).RunAsync(Lines, !NoFollow, ct));

    Target LogsTailNginx => _ => _
        .Description("Follow nginx's access and error logs")
        .DependsOn(ValidateConfig)
        .Executes(ct => Task.WhenAll(
            new LogTail(Deployment.Paths.NginxErrorLog, l => Console.Out.WriteLine("error  >> " + l)).RunAsync(Lines, !NoFollow, ct),
            new LogTail(Deployment.Paths.NginxAccessLog, l => Console.Out.WriteLine("access >> " + l)).RunAsync(Lines, !NoFollow, ct)));

    Target LogsClean => _ => _
        .Description("Truncate every log file, keeping the files (safe while running)")
        .DependsOn(ValidateConfig)
        .Executes(async ct =>
        {
            var answer = await new ControlClient(Deployment.Paths.ControlSocket).SendAsync(new ControlRequest(ControlCommands.LogsClean), TimeSpan.FromSeconds(5), ct);
            // A running supervisor truncates the files it writes through its own handles (and the rest).
            if (answer is not { Ok: true }) LogFiles.TruncateUnowned(Deployment.Paths, []);
            Log.Information("Truncated the logs in {Dir}{Via}", Deployment.Paths.Logs, answer is { Ok: true } ? " (running processes keep writing)" : "");
        });
}
