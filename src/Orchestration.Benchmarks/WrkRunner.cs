using System.Globalization;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;

namespace Orchestration.Benchmarks;

/// <summary>What one wrk run reports: throughput, latency percentiles (ms) and failures.</summary>
public sealed record WrkResult(double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Non2xx, long SocketErrors)
{
    public long Failed => Non2xx + SocketErrors;
}

/// <summary>Runs <c>wrk --latency</c> (keepalive, as wrk always is) and reads its report.</summary>
public sealed partial class WrkRunner(string wrk)
{
    public async Task<WrkResult> RunAsync(string url, int threads, int connections, int seconds, CancellationToken cancellationToken)
    {
        var result = await CliWrap.Cli.Wrap(wrk)
            .WithArguments(["-t" + threads, "-c" + connections, "-d" + seconds + "s", "--latency", url])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess) throw new BenchmarkException($"wrk {url} exited with {result.ExitCode}: {result.StandardError}{result.StandardOutput}");
        return Parse(result.StandardOutput);
    }

    /// <summary>Reads wrk's text report; throws when the lines it always prints are missing.</summary>
    public static WrkResult Parse(string output)
    {
        var rps = RpsLine().Match(output);
        var requests = RequestsLine().Match(output);
        if (!rps.Success || !requests.Success) throw new BenchmarkException("Unexpected wrk output:\n" + output);
        var socket = SocketErrorsLine().Match(output);
        var non2xx = Non2xxLine().Match(output);
        return new WrkResult(
            double.Parse(rps.Groups[1].Value, CultureInfo.InvariantCulture),
            Percentile(output, "50"),
            Percentile(output, "99"),
            long.Parse(requests.Groups[1].Value, CultureInfo.InvariantCulture),
            non2xx.Success ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            socket.Success ? Enumerable.Range(1, 4).Sum(i => long.Parse(socket.Groups[i].Value, CultureInfo.InvariantCulture)) : 0);
    }

    private static double Percentile(string output, string percent)
    {
        var match = Regex.Match(output, @"^\s*" + percent + @"(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline);
        if (!match.Success) throw new BenchmarkException($"wrk printed no {percent}% latency (was --latency passed?):\n{output}");
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "us" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            _ => value * 60_000,
        };
    }

    [GeneratedRegex(@"^Requests/sec:\s+([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex RpsLine();

    [GeneratedRegex(@"^\s*(\d+) requests in ", RegexOptions.Multiline)]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrorsLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex Non2xxLine();
}
