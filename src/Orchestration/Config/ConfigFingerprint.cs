using Orchestration.IO;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestration.Config;

/// <summary>
/// A short hash of the resolved deployment (every default applied, every path resolved): a running
/// stack remembers the one it started from. Of the model, not the file's bytes, so a comment or a
/// re-indented line is not a change that asks for a Restart.
/// </summary>
public static class ConfigFingerprint
{
    public static string Of(DeploymentConfig config) =>
        ShortHash.Of(JsonSerializer.SerializeToUtf8Bytes(config, ConfigJsonContext.Default.DeploymentConfig));
}

[JsonSerializable(typeof(DeploymentConfig))]
internal sealed partial class ConfigJsonContext : JsonSerializerContext;
