using System.Security.Cryptography;
using System.Text;

namespace Orchestration.IO;

/// <summary>A short lowercase hex SHA-256 prefix: names and fingerprints that must differ when their input does.</summary>
public static class ShortHash
{
    public static string Of(ReadOnlySpan<byte> bytes, int length = 16) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..length];

    public static string Of(string text, int length = 16) => Of(Encoding.UTF8.GetBytes(text), length);
}
