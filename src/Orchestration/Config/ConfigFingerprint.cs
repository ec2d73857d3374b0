using System.Security.Cryptography;

namespace Orchestration.Config;

/// <summary>A short hash of a config file's bytes: a running stack remembers the one it started from.</summary>
public static class ConfigFingerprint
{
    public static string Of(string configPath) =>
        File.Exists(configPath) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(configPath)))[..16] : "";
}
