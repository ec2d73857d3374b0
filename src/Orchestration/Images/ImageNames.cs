using System.Text.RegularExpressions;
using Orchestration.Config;

namespace Orchestration.Images;

/// <summary>
/// The image reference of every container a deployment runs, <c>&lt;prefix&gt;/&lt;repository&gt;:&lt;tag&gt;</c>:
/// one image per .NET project (<c>orchestration/tradingapi:3f2c1ab</c>, named after the .csproj), one per
/// <c>command</c> server (named after the server; the user builds it), and the gateway
/// (<c>orchestration/gateway:…</c>). The one place image names are made: the manifest exports and the
/// image-publishing target use the same names.
/// </summary>
public sealed partial record ImageNames
{
    public const string DefaultPrefix = "orchestration";
    public const string GatewayRepository = "gateway";

    /// <summary>The project a .NET server runs when it names none (src/TradingApi).</summary>
    public const string BundledProject = "TradingApi.csproj";

    /// <summary>Registry host (with an optional port) and path, without a trailing '/': <c>registry.example.com:5000/team</c>.</summary>
    public string Prefix { get; }

    /// <summary>The tag of every image: the git commit the images are built from, or a config-derived tag.</summary>
    public string Tag { get; }

    /// <exception cref="ArgumentException">The prefix or the tag is not valid in an image reference (the message names the fix).</exception>
    public ImageNames(string prefix, string tag)
    {
        prefix = prefix.TrimEnd('/');
        if (!PrefixShape().IsMatch(prefix))
            throw new ArgumentException(
                $"--image-prefix: '{prefix}' is not a registry and repository path. Fix: use lower-case letters, digits, '.', '-', '_' and '/', with an optional registry port, e.g. registry.example.com:5000/team.");
        if (!TagShape().IsMatch(tag))
            throw new ArgumentException(
                $"image tag '{tag}' is not a valid tag. Fix: use up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'.");
        Prefix = prefix;
        Tag = tag;
    }

    /// <summary>The image of a server: its .NET project's image, or for a <c>command</c> server an image named after it.</summary>
    public string For(ServerConfig server) =>
        server.IsDotNetProject ? ForProject(server.Project ?? BundledProject) : Reference(Repository(server.Name));

    /// <summary>The image of a .NET project, named after its .csproj: <c>TradingApi.csproj</c> → <c>&lt;prefix&gt;/tradingapi:&lt;tag&gt;</c>.</summary>
    public string ForProject(string projectPath) => Reference(Repository(Path.GetFileNameWithoutExtension(projectPath)));

    /// <summary>The gateway's image: nginx, whose config the deployment mounts.</summary>
    public string Gateway => Reference(GatewayRepository);

    /// <summary>
    /// The tag images get when none is given: the git commit (short hash) they are built from; outside a
    /// git checkout, <c>cfg-</c> and the first 12 digits of the deployment's fingerprint.
    /// </summary>
    public static string DefaultTag(string? gitShortCommit, string configFingerprint) =>
        gitShortCommit is { Length: > 0 } commit ? commit : "cfg-" + configFingerprint[..Math.Min(12, configFingerprint.Length)];

    /// <summary>A repository name component: lower case; anything but letters, digits, '.', '_' and '-' becomes '-'.</summary>
    public static string Repository(string name)
    {
        var lower = NotAllowed().Replace(name.ToLowerInvariant(), "-").Trim('-', '.', '_');
        return lower.Length == 0 ? "app" : lower;
    }

    private string Reference(string repository) => $"{Prefix}/{repository}:{Tag}";

    // A registry host[:port] or a path component, then more path components (the distribution spec's grammar, lower case).
    [GeneratedRegex(@"^[a-z0-9]+([._-][a-z0-9]+)*(\.[a-z0-9-]+)*(:[0-9]+)?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*$")]
    private static partial Regex PrefixShape();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagShape();

    [GeneratedRegex("[^a-z0-9._-]+")]
    private static partial Regex NotAllowed();
}
