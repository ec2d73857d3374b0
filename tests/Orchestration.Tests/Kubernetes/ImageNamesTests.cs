using Orchestration.Config;
using Orchestration.Images;
using Orchestration.Tests.Nginx;

namespace Orchestration.Tests.Kubernetes;

/// <summary>One naming of images for every back end (Kubernetes now, the image-publishing target of #14 next).</summary>
public sealed class ImageNamesTests
{
    [Fact]
    public void A_dotnet_server_runs_its_projects_image_a_command_server_one_named_after_it()
    {
        var images = new ImageNames("orchestration", "abc1234");
        var bundled = GoldenTests.Shipped("dev").Servers[0]; // no project given: the bundled TradingApi

        Assert.Equal("orchestration/tradingapi:abc1234", images.For(bundled));
        Assert.Equal("orchestration/orders.api:abc1234", images.For(bundled with { Project = "/src/orders/Orders.Api.csproj" }));
        Assert.Equal("orchestration/quotes:abc1234", images.For(bundled with { Name = "quotes", Command = ["python3", "app.py"], Project = null }));
        Assert.Equal("orchestration/gateway:abc1234", images.Gateway);
    }

    [Fact]
    public void A_prefix_names_the_registry_and_path_of_every_image()
    {
        var images = new ImageNames("registry.example.com:5000/team/", "v1");

        Assert.Equal("registry.example.com:5000/team/gateway:v1", images.Gateway);
        Assert.Equal("registry.example.com:5000/team/tradingapi:v1", images.ForProject("TradingApi.csproj"));
    }

    [Fact]
    public void The_default_tag_is_the_git_commit_or_else_the_config_fingerprint()
    {
        Assert.Equal("e813f111cd9f", ImageNames.DefaultTag("e813f111cd9f", "0123456789abcdef"));
        Assert.Equal("cfg-0123456789ab", ImageNames.DefaultTag(null, "0123456789abcdef"));
    }

    [Theory]
    [InlineData("Registry/Team")]
    [InlineData("registry example/team")]
    [InlineData("team//x")]
    public void A_prefix_that_is_no_image_path_is_refused_with_the_value_and_a_fix(string prefix)
    {
        var error = Assert.Throws<ArgumentException>(() => new ImageNames(prefix, "v1"));

        Assert.StartsWith($"--image-prefix: '{prefix.TrimEnd('/')}' is not a registry and repository path. Fix:", error.Message);
    }
}
