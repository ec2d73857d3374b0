using Serilog;
using Serilog.Events;

namespace BuildGraph.Logging;

/// <summary>
/// Serilog for a build: console <c>HH:mm:ss [LVL] message</c>, and <c>.nuke/temp/build.log</c> (fresh each run)
/// with the running target's name on every line. Raw lines (help, plan, summary) go to the console as they
/// are and to the file as log lines.
/// </summary>
internal static class BuildLogging
{
    public const string ConsoleTemplate = "{Timestamp:HH:mm:ss} [{Level:u3}] {Message:lj}{NewLine}{Exception}";
    public const string FileTemplate = "{Timestamp:HH:mm:ss.fff} [{Level:u3}] {Target,-16} {Message:lj}{NewLine}{Exception}";
    private const string RawProperty = "Raw";

    public static void Configure(string temporaryDirectory)
    {
        Directory.CreateDirectory(temporaryDirectory);
        var logFile = Path.Combine(temporaryDirectory, "build.log");
        File.Delete(logFile);
        Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Debug()
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Target", "(build)")
            .WriteTo.Logger(console => console
                .MinimumLevel.Information()
                .Filter.ByExcluding(e => e.Properties.ContainsKey(RawProperty))
                .WriteTo.Console(outputTemplate: ConsoleTemplate, standardErrorFromLevel: LogEventLevel.Error))
            .WriteTo.File(logFile, outputTemplate: FileTemplate)
            .CreateLogger();
    }

    /// <summary>Writes a line to the console unformatted, and to the log file.</summary>
    public static void WriteRaw(string line)
    {
        Console.Out.WriteLine(line);
        Log.ForContext(RawProperty, true).Information("{Line}", line);
    }
}
