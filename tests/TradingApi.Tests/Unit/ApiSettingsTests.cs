using Microsoft.Extensions.Configuration;
using TradingApi.Hosting;

namespace TradingApi.Tests.Unit;

public sealed class ApiSettingsTests
{
    private static ApiSettings From(params (string Key, string Value)[] values) => ApiSettings.From(
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build());

    [Fact]
    public void Defaults_are_core_only_tradingapi_api_v1_60s_idle_and_1s_interval()
    {
        var settings = From();

        Assert.Equal(["core"], settings.Modules);
        Assert.Equal("tradingapi", settings.InstanceName);
        Assert.Equal("/api/v1", settings.BaseUrl);
        Assert.Equal("v1", settings.ApiVersion);
        Assert.Equal(TimeSpan.FromSeconds(60), settings.WsIdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.DatafeedInterval);
        Assert.Null(settings.OwnPort);
        Assert.Equal(8001, From(("PORT", "8001")).OwnPort);
        Assert.Null(From(("PORT", "0")).OwnPort); // the manager's --emit-specs run
    }

    [Fact]
    public void Modules_are_trimmed_deduplicated_and_put_in_catalogue_order_with_core_first()
    {
        var settings = From(("ENABLED_MODULES", " datafeed,BROKER,,core, broker "));

        Assert.Equal(["core", "broker", "datafeed"], settings.Modules);
    }

    [Fact]
    public void Every_invalid_setting_is_reported_at_once_with_the_value_and_a_fix()
    {
        var ex = Assert.Throws<SettingsException>(() => From(
            ("ENABLED_MODULES", "broker,tradez"),
            ("WS_IDLE_TIMEOUT_SECONDS", "-1"),
            ("DATAFEED_INTERVAL_MS", "fast"),
            ("API_BASE_URL", "/api/v 1"),
            ("PORT", "80x")));

        Assert.Equal(5, ex.Errors.Count);
        Assert.Contains(ex.Errors, e => e.StartsWith("PORT: '80x' is not a TCP port", StringComparison.Ordinal) && e.Contains("Fix:"));
        Assert.Contains(ex.Errors, e => e.Contains("unknown module 'tradez'") && e.Contains("Valid modules: core, broker, datafeed"));
        Assert.Contains(ex.Errors, e => e.StartsWith("WS_IDLE_TIMEOUT_SECONDS: '-1'", StringComparison.Ordinal) && e.Contains("Fix:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("DATAFEED_INTERVAL_MS: 'fast'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("API_BASE_URL: '/api/v 1'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("api/v2/", "/api/v2", "v2")]
    [InlineData("/gateway", "/gateway", "v1")]
    [InlineData("/", "", "v1")]
    public void Base_url_is_normalized_and_gives_the_api_version(string raw, string expected, string version)
    {
        var settings = From(("API_BASE_URL", raw));

        Assert.Equal(expected, settings.BaseUrl);
        Assert.Equal(version, settings.ApiVersion);
    }

    [Fact]
    public void Fractional_idle_timeouts_are_accepted_for_tests()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(500), From(("WS_IDLE_TIMEOUT_SECONDS", "0.5")).WsIdleTimeout);
    }
}
