using Orchestration.Config;
using Orchestration.Nginx;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Nginx;

/// <summary>
/// The rendered config of each shipped deployment, byte for byte. After an intended template
/// change, run with UPDATE_GOLDEN=1 and review the diff of tests/Orchestration.Tests/Golden.
/// </summary>
public sealed class GoldenTests
{
    public const string FixedLocalDir = "/srv/orchestration/.local";

    public static TheoryData<string> Deployments() => new() { "dev", "prod" };

    public static DeploymentConfig Shipped(string name) =>
        ConfigLoader.LoadOrThrow(RepoPaths.File($"{name}-config.yaml")) with { LocalDir = FixedLocalDir };

    public static string GoldenPath(string name) => RepoPaths.File("tests", "Orchestration.Tests", "Golden", $"{name}.nginx.conf");

    [Theory]
    [MemberData(nameof(Deployments))]
    public void The_shipped_config_renders_exactly_as_its_golden_file(string name)
    {
        var rendered = NginxConfigRenderer.Render(Shipped(name));
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1") File.WriteAllText(GoldenPath(name), rendered);
        Assert.Equal(File.ReadAllText(GoldenPath(name)), rendered);
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Rendering_twice_gives_the_same_bytes(string name)
    {
        var config = Shipped(name);
        Assert.Equal(NginxConfigRenderer.Render(config), NginxConfigRenderer.Render(ConfigLoader.LoadOrThrow(config.ConfigPath) with { LocalDir = FixedLocalDir }));
    }
}
