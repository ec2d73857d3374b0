using Orchestration.Config;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Config;

/// <summary>Writes YAML to a temp file and loads it.</summary>
public static class Yaml
{
    public const string TwoServers = """
        nginx:
          port: 8000
        servers:
          broker:
            port: 8001
            modules: [core, broker]
          datafeed:
            port: 8002
            modules: [core, datafeed]
        websocket_routes:
          broker: broker
          datafeed: datafeed
        """;

    public static ConfigResult Load(string yaml, ConfigLoadOptions? options = null)
    {
        using var dir = new TempDir();
        return ConfigLoader.Load(dir.Write("deploy.yaml", yaml), options);
    }

    public static DeploymentConfig Valid(string yaml, ConfigLoadOptions? options = null)
    {
        var result = Load(yaml, options);
        Assert.True(result.IsValid, "expected a valid config, got:\n" + result.ErrorText);
        return result.Config!;
    }

    /// <summary>Asserts the config is rejected with exactly one error at <paramref name="path"/> and returns it.</summary>
    public static ConfigError SingleError(string yaml, string path)
    {
        var result = Load(yaml);
        Assert.False(result.IsValid);
        Assert.Null(result.Config);
        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.True(error.Line > 0, error.ToString());
        Assert.False(string.IsNullOrWhiteSpace(error.Fix));
        return error;
    }
}
