using System.Globalization;

namespace Orchestration.Metrics;

/// <summary>
/// One line of the gateway's access log in the <c>orchestration</c> log_format (nginx.conf.sbn):
/// <c>addr [time] "GET /path HTTP/1.1" status bytes rt=0.004 upstream=127.0.0.1:5001 upstream_status=200
/// urt=0.004 request_id=… msec=1764601234.567</c>. <c>upstream=</c> lists every address tried
/// ("a, b" after a retry, "a : b" across an internal redirect): the last one answered.
/// </summary>
public readonly record struct AccessLogLine(string Path, int Status, int RequestMs, string? Upstream, double? UnixSeconds)
{
    /// <summary>Null for a line that is not in the format (an older nginx.conf's, or a torn write).</summary>
    public static AccessLogLine? Parse(string line)
    {
        var open = line.IndexOf('"');
        if (open < 0) return null;
        var close = line.IndexOf("\" ", open + 1, StringComparison.Ordinal);
        if (close < 0) return null;
        var request = line.AsSpan(open + 1, close - open - 1);
        var firstSpace = request.IndexOf(' ');
        var path = firstSpace < 0 ? "" : request[(firstSpace + 1)..].ToString();
        var lastSpace = path.LastIndexOf(' ');
        if (lastSpace > 0) path = path[..lastSpace];
        var query = path.IndexOf('?');
        if (query >= 0) path = path[..query];

        var rest = line.AsSpan(close + 2);
        var statusEnd = rest.IndexOf(' ');
        if (statusEnd < 0 || !int.TryParse(rest[..statusEnd], NumberStyles.None, CultureInfo.InvariantCulture, out var status)) return null;

        var rt = Field(rest, "rt=", ' ');
        if (!double.TryParse(rt, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)) return null;
        var upstream = Field(rest, "upstream=", " upstream_status=");
        var msec = Field(rest, "msec=", ' ');
        double? unix = double.TryParse(msec, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) ? m : null;
        return new AccessLogLine(path, status, (int)Math.Round(seconds * 1000), LastAddress(upstream), unix);
    }

    private static ReadOnlySpan<char> Field(ReadOnlySpan<char> text, string key, string end)
    {
        var at = text.IndexOf(key, StringComparison.Ordinal);
        if (at < 0) return [];
        var value = text[(at + key.Length)..];
        var stop = value.IndexOf(end, StringComparison.Ordinal);
        return stop < 0 ? value : value[..stop];
    }

    private static ReadOnlySpan<char> Field(ReadOnlySpan<char> text, string key, char end) => Field(text, key, end.ToString());

    private static string? LastAddress(ReadOnlySpan<char> upstream)
    {
        var cut = Math.Max(upstream.LastIndexOf(", ", StringComparison.Ordinal), upstream.LastIndexOf(" : ", StringComparison.Ordinal));
        var last = (cut < 0 ? upstream : upstream[(cut + 2)..]).Trim();
        return last.Length == 0 || last is "-" ? null : last.ToString();
    }
}
