using System.Globalization;

namespace TradingApi.Hosting;

/// <summary>The settings the manager passes through the environment, validated all at once.</summary>
public sealed record ApiSettings(
    string InstanceName,
    string BaseUrl,
    string ApiVersion,
    IReadOnlyList<string> Modules,
    TimeSpan WsIdleTimeout,
    TimeSpan DatafeedInterval,
    int? OwnPort = null)
{
    public const string ModulesKey = "ENABLED_MODULES";
    public const string InstanceKey = "INSTANCE_NAME";
    public const string BaseUrlKey = "API_BASE_URL";
    public const string IdleTimeoutKey = "WS_IDLE_TIMEOUT_SECONDS";
    public const string IntervalKey = "DATAFEED_INTERVAL_MS";

    /// <summary>The instance's own port, as the supervisor names it; unset (or 0) when the program runs on its own.</summary>
    public const string PortKey = "PORT";

    public bool IsEnabled(string module) => Modules.Contains(module, StringComparer.Ordinal);

    /// <exception cref="SettingsException">when any value is invalid; lists every problem.</exception>
    public static ApiSettings From(IConfiguration config)
    {
        var errors = new List<string>();
        var modules = ParseModules(config[ModulesKey], errors);
        var instance = string.IsNullOrWhiteSpace(config[InstanceKey]) ? "tradingapi" : config[InstanceKey]!.Trim();
        var baseUrl = ParseBaseUrl(config[BaseUrlKey], errors);
        var idle = ParsePositive(config, IdleTimeoutKey, 60, "seconds", errors);
        var interval = ParsePositive(config, IntervalKey, 1000, "milliseconds", errors);
        var port = ParsePort(config[PortKey], errors);
        if (errors.Count > 0)
        {
            throw new SettingsException(errors);
        }

        var lastSegment = baseUrl[(baseUrl.LastIndexOf('/') + 1)..];
        var version = lastSegment.Length > 1 && lastSegment[0] == 'v' && lastSegment[1..].All(char.IsAsciiDigit)
            ? lastSegment
            : "v1";
        return new ApiSettings(instance, baseUrl, version, modules,
            TimeSpan.FromSeconds(idle), TimeSpan.FromMilliseconds(interval), port);
    }

    private static List<string> ParseModules(string? raw, List<string> errors)
    {
        var modules = new List<string> { ModuleCatalog.CoreName };
        foreach (var part in (raw ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = part.ToLowerInvariant();
            if (!ModuleCatalog.Names.Contains(name))
            {
                errors.Add($"{ModulesKey}: unknown module '{part}'. Valid modules: {string.Join(", ", ModuleCatalog.Names)}. " +
                           "Fix: remove it or correct the spelling.");
            }
            else if (!modules.Contains(name))
            {
                modules.Add(name);
            }
        }

        // Catalogue order, so routes and logs are stable whatever order the list was given in.
        return ModuleCatalog.Names.Where(modules.Contains).ToList();
    }

    private static string ParseBaseUrl(string? raw, List<string> errors)
    {
        var value = string.IsNullOrWhiteSpace(raw) ? "/api/v1" : raw.Trim();
        var normalized = "/" + value.Trim('/');
        if (normalized.Any(c => char.IsWhiteSpace(c) || c is '?' or '#' or '{' or '}'))
        {
            errors.Add($"{BaseUrlKey}: '{raw}' is not a URL path. Fix: use a path such as /api/v1.");
        }

        return normalized == "/" ? "" : normalized;
    }

    private static int? ParsePort(string? raw, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        // 0: no port of its own (the manager's --emit-specs run listens nowhere).
        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535) return port == 0 ? null : port;
        errors.Add($"{PortKey}: '{raw}' is not a TCP port. Fix: set it to the port the instance listens on (1-65535), 0 for none, or unset it.");
        return null;
    }

    private static double ParsePositive(IConfiguration config, string key, double fallback, string unit, List<string> errors)
    {
        var raw = config[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 && double.IsFinite(value))
        {
            return value;
        }

        errors.Add($"{key}: '{raw}' is not a positive number of {unit}. Fix: set it to e.g. {fallback} or unset it.");
        return fallback;
    }
}

/// <summary>Invalid start settings; the process prints <see cref="Exception.Message"/> and exits 2.</summary>
public sealed class SettingsException(IReadOnlyList<string> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
