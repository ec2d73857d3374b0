using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Sinks.SystemConsole.Themes;

namespace TradingApi.Hosting;

/// <summary>
/// Serilog to stdout in the guide's individual log format:
/// <c>[2025-11-03 10:15:30] [INFO] Category: message</c>. Level from env <c>LOG_LEVEL</c> (default info).
/// </summary>
public static class Logging
{
    public const string Template =
        "[{Timestamp:yyyy-MM-dd HH:mm:ss}] [{LevelName}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    public static Serilog.ILogger CreateLogger(string? level)
    {
        var minimum = ParseLevel(level);
        return new LoggerConfiguration()
            .MinimumLevel.Is(minimum)
            .MinimumLevel.Override("Microsoft.AspNetCore", Max(minimum, LogEventLevel.Warning))
            .MinimumLevel.Override("Microsoft.Extensions", Max(minimum, LogEventLevel.Warning))
            .Enrich.With<LevelNameEnricher>()
            .WriteTo.Console(outputTemplate: Template, theme: ConsoleTheme.None,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .CreateLogger();
    }

    private static LogEventLevel Max(LogEventLevel a, LogEventLevel b) => a > b ? a : b;

    private static LogEventLevel ParseLevel(string? level) => level?.Trim().ToUpperInvariant() switch
    {
        "TRACE" or "VERBOSE" => LogEventLevel.Verbose,
        "DEBUG" => LogEventLevel.Debug,
        "WARN" or "WARNING" => LogEventLevel.Warning,
        "ERROR" => LogEventLevel.Error,
        _ => LogEventLevel.Information,
    };

    /// <summary>Adds <c>LevelName</c> (INFO, WARN, ...) and a default <c>SourceContext</c>.</summary>
    private sealed class LevelNameEnricher : ILogEventEnricher
    {
        private static readonly LogEventProperty[] Names =
        [
            new("LevelName", new ScalarValue("TRACE")),
            new("LevelName", new ScalarValue("DEBUG")),
            new("LevelName", new ScalarValue("INFO")),
            new("LevelName", new ScalarValue("WARN")),
            new("LevelName", new ScalarValue("ERROR")),
            new("LevelName", new ScalarValue("FATAL")),
        ];

        private static readonly LogEventProperty DefaultContext = new("SourceContext", new ScalarValue("TradingApi"));

        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
        {
            logEvent.AddPropertyIfAbsent(Names[(int)logEvent.Level]);
            logEvent.AddPropertyIfAbsent(DefaultContext);
        }
    }
}
