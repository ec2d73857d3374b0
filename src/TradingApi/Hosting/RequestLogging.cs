using System.Diagnostics;

namespace TradingApi.Hosting;

/// <summary>
/// One line per request under category <c>TradingApi.Http</c>:
/// <c>GET /api/v1/core/health 200 0.4 ms</c>: at DEBUG (the gateway's access log already has every
/// request, and relaying each one through the supervisor wrote it three times), ERROR when the
/// handler throws or answers 5xx. <c>LOG_LEVEL=debug</c> shows them all.
/// </summary>
public static class RequestLogging
{
    public static void UseRequestLogging(this WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TradingApi.Http");
        app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            catch (Exception ex) when (Log(log, context, started, ex))
            {
                throw; // never reached: Log returns false so the exception flows on, logged once
            }

            Log(log, context, started, null);
        });
    }

    private static bool Log(ILogger log, HttpContext context, long started, Exception? exception)
    {
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var status = exception is null ? context.Response.StatusCode : StatusCodes.Status500InternalServerError;
        var level = status >= 500 ? LogLevel.Error : LogLevel.Debug;
        log.Log(level, exception, "{Method} {Path} {StatusCode} {Elapsed:0.0} ms",
            context.Request.Method, context.Request.Path.Value, status, elapsed);
        return false;
    }
}
