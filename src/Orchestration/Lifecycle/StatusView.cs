using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestration.State;
using Spectre.Console;

namespace Orchestration.Lifecycle;

/// <summary>Renders a <see cref="StatusReport"/> as the table a developer reads, or JSON for scripts.</summary>
public static class StatusView
{
    public static string Json(StatusReport report) => StateJson.Serialize(report, Options);

    private static readonly JsonSerializerOptions Options = StateJson.With(StatusJsonContext.Default);

    public static void Render(StatusReport report, IAnsiConsole console)
    {
        var verdict = report.Overall switch
        {
            StackHealth.Running => "[green]running[/]",
            StackHealth.Degraded => "[yellow]degraded[/]",
            _ => "[grey]stopped[/]",
        };
        console.MarkupLine($"Stack: {verdict}");
        if (report.Overall == StackHealth.Stopped)
        {
            console.MarkupLine("Nothing is running. Start it with [bold]./build.sh Start[/].");
            return;
        }
        var gateway = report.Gateway is { } g
            ? (g.Healthy ? $"[green]healthy[/] ({g.LatencyMs.ToString("0.#", CultureInfo.InvariantCulture)} ms)" : $"[red]unhealthy[/] ({Markup.Escape(g.Error ?? "")})")
            : "[red]not running[/]";
        console.MarkupLine($"Gateway: {Markup.Escape(report.GatewayUrl)} {gateway}");

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("Name", "PID", "Port", "State", "Health", "Uptime", "Restarts", "Memory", "CPU", "Req/s", "4xx", "5xx", "p50/p95/p99 ms", "WS");
        foreach (var row in report.Processes)
        {
            table.AddRow(
            [
                Markup.Escape(row.Name),
                row.Pid.ToString(CultureInfo.InvariantCulture),
                row.Port == 0 ? "-" : row.Port.ToString(CultureInfo.InvariantCulture),
                StateMarkup(row.State),
                HealthMarkup(row),
                row.UptimeSeconds <= 0 ? "-" : Uptime(row.UptimeSeconds),
                row.Restarts.ToString(CultureInfo.InvariantCulture),
                row.RssKb == 0 ? "-" : $"{row.RssKb / 1024.0:0.0} MB",
                row.CpuPercent is { } cpu ? $"{cpu.ToString("0.0", CultureInfo.InvariantCulture)}%" : "-",
                .. TrafficCells(row.Traffic),
            ]);
        }
        console.Write(table);
        foreach (var row in report.Processes.Where(r => r.LastExit is not null || r.LastLines.Count > 0))
        {
            var fix = row.State == "errored" ? "; given up after a crash loop, fix it and run ./build.sh Restart" : "";
            console.MarkupLine($"[red]{Markup.Escape(row.Name)}: {Markup.Escape(row.State)}, {Markup.Escape(row.LastExit ?? "no exit recorded")}{Markup.Escape(fix)}[/]");
            if (row.LastLines.Count > 0) console.MarkupLine($"  last lines of {Markup.Escape(row.Log ?? "")}:");
            foreach (var line in row.LastLines) console.MarkupLine($"    {Markup.Escape(line)}");
        }
        if (report.SupervisorProgram is { } program) console.MarkupLine(Markup.Escape(SupervisorLine(program, DateTimeOffset.Now)));
        if (report.Modules is { Count: > 0 } modules)
        {
            console.MarkupLine($"Gateway traffic per module over the last {Metrics.TrafficWindow.Seconds} s: " + string.Join(", ", modules.OrderBy(m => m.Key, StringComparer.Ordinal)
                .Select(m => $"{Markup.Escape(m.Key)} {m.Value.RequestsPerSecond.ToString("0.#", CultureInfo.InvariantCulture)} req/s, {m.Value.Requests} requests, {m.Value.Status5xx} 5xx")));
        }
        if (report.Operation is { } op) console.MarkupLine(OperationMarkup(op, DateTimeOffset.Now));
        foreach (var w in report.Watch)
        {
            var last = w.LastReloadAt is { } at
                ? $"last reload {at:HH:mm:ss} in {w.LastReloadSeconds:0.0} s: {w.LastReloadResult}"
                : "no reload yet";
            console.MarkupLine($"Watch {Markup.Escape(w.Server)}: {(w.Watching ? "on" : "off")}, {Markup.Escape(last)}");
            if (w.LastError is { } error) console.MarkupLine($"  [red]{Markup.Escape(error)}[/]");
        }
    }

    /// <summary>"Supervisor: program 3f2a…, replaced in place 0.4 s ago (hand-over 380 ms)", or only its program when it never was.</summary>
    public static string SupervisorLine(SupervisorProgramRecord program, DateTimeOffset now)
    {
        var line = $"Supervisor: program {program.Stamp}";
        if (program.ReplacedAt is not { } at) return line;
        var ago = (now - at).TotalSeconds;
        var agoText = ago < 60 ? $"{ago.ToString("0.0", CultureInfo.InvariantCulture)} s" : Uptime(ago);
        var times = program.Replacements == 1 ? "" : $", {program.Replacements} times in all";
        return $"{line}, replaced in place {agoText} ago (from program {program.ReplacedFrom}, hand-over {program.HandOverMilliseconds?.ToString("0", CultureInfo.InvariantCulture)} ms{times})";
    }

    /// <summary>"Operation: apply (3 instances from dev-config.yaml) in progress for 2.1 s", or the last one's outcome.</summary>
    public static string OperationMarkup(OperationRecord op, DateTimeOffset now)
    {
        var what = Markup.Escape(op.Detail is null ? op.Name : $"{op.Name} ({op.Detail})");
        if (op.InProgress) return $"Operation: [yellow]{what} in progress for {(now - op.StartedAt).TotalSeconds:0.0} s[/]";
        var took = (op.FinishedAt!.Value - op.StartedAt).TotalSeconds;
        return op.Error is null
            ? $"Last operation: {what} [green]done[/] at {op.FinishedAt:HH:mm:ss} in {took:0.0} s"
            : $"Last operation: {what} [red]failed[/] at {op.FinishedAt:HH:mm:ss} after {took:0.0} s: {Markup.Escape(op.Error.Split('\n')[0])}";
    }

    /// <summary>Req/s, 4xx, 5xx (counts over the window), the latency percentiles and open WebSockets; dashes where the gateway saw nothing of it.</summary>
    private static string[] TrafficCells(Metrics.TrafficFigures? t)
    {
        if (t is null) return ["-", "-", "-", "-", "-"];
        static string N(double? v) => v is { } x ? x.ToString("0.#", CultureInfo.InvariantCulture) : "-";
        return
        [
            N(t.RequestsPerSecond),
            t.Status4xx.ToString(CultureInfo.InvariantCulture),
            t.Status5xx == 0 ? "0" : $"[red]{t.Status5xx.ToString(CultureInfo.InvariantCulture)}[/]",
            t.Requests == 0 ? "-" : $"{N(t.P50Ms)}/{N(t.P95Ms)}/{N(t.P99Ms)}",
            (t.OpenWebSockets ?? 0).ToString(CultureInfo.InvariantCulture),
        ];
    }

    private static string StateMarkup(string state) => state switch
    {
        "running" => "[green]running[/]",
        "detached" => "[blue]detached[/]",
        "starting" or "restarting" => $"[yellow]{state}[/]",
        _ => $"[red]{Markup.Escape(state)}[/]",
    };

    private static string HealthMarkup(ProcessRow row) => row.Modules.Count == 0
        ? "-"
        : string.Join(" ", row.Modules.Select(m => m.Healthy
            ? $"[green]{Markup.Escape(m.Module)} ✓[/] {m.LatencyMs.ToString("0.#", CultureInfo.InvariantCulture)}ms"
            : $"[red]{Markup.Escape(m.Module)} ✗[/]"));

    private static string Uptime(double seconds)
    {
        var t = TimeSpan.FromSeconds(seconds);
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:00}s" : $"{t.TotalSeconds:0.0}s";
    }
}

[JsonSerializable(typeof(StatusReport))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
