using Orchestration.Nginx;
using Orchestration.Tests.Config;

namespace Orchestration.Tests.Specs;

public sealed class SpecGatewayTests
{
    [Fact]
    public void The_gateway_serves_the_deployment_documents_and_core_openapi_from_the_spec_folder()
    {
        var config = Yaml.Valid(Yaml.TwoServers);
        var text = NginxConfigRenderer.Render(config, new NginxRenderOptions { SpecFiles = "/srv/specs" });
        foreach (var (location, file) in new[]
                 {
                     ("/api/openapi.json", "openapi.json"), ("/api/asyncapi.json", "asyncapi.json"), ("/api/docs", "docs.html"),
                     ("/api/v1/core/openapi.json", "openapi.json"), ("/api/v1/core/asyncapi.json", "asyncapi.json"),
                 })
        {
            var block = text[text.IndexOf($"location = {location} {{", StringComparison.Ordinal)..];
            Assert.Contains($"alias \"/srv/specs/{file}\";", block[..block.IndexOf('}', block.IndexOf('}') + 1)]);
        }
    }

    [Fact]
    public void Without_spec_files_the_gateway_config_is_unchanged()
    {
        var config = Yaml.Valid(Yaml.TwoServers);
        Assert.DoesNotContain("alias", NginxConfigRenderer.Render(config));
    }
}
