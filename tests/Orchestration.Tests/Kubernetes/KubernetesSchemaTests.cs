using k8s.Models;
using Orchestration.Kubernetes;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Kubernetes;

/// <summary>Every object an export writes passes the Kubernetes API schema (v1.36, npm kubernetes-models 5.1.0).</summary>
public sealed class KubernetesSchemaTests
{
    private const string Everything = """
        api_base_url: /api/v2
        nginx:
          port: 8443
          tls: {cert: cert.pem, key: key.pem, redirect_port: 8080}
          max_body_mb: 0.5
        servers:
          broker:
            port: 8001
            instances: 3
            modules: [core, broker, datafeed]
          quotes:
            port: 9100
            modules: [quotes]
            command: [./run.sh, --port, "{port}"]
            env: {MODE: "$(literal)"}
        websocket:
          routing_strategy: query_param
          query_param_name: kind
        websocket_routes:
          quotes: quotes
          datafeed: broker
        health: {attempts: 7, interval: 0.3, timeout: 0.5}
        stop_timeout: 0.2
        """;

    public static TheoryData<string, ClusterGateway> Exports()
    {
        var data = new TheoryData<string, ClusterGateway>();
        foreach (var name in new[] { "dev", "prod", "dev-query", "prod-query" })
            foreach (var gateway in Enum.GetValues<ClusterGateway>())
                data.Add(name, gateway);
        return data;
    }

    [Theory]
    [MemberData(nameof(Exports))]
    public async Task Every_object_of_the_shipped_configs_validates_against_the_kubernetes_schema(string name, ClusterGateway gateway)
    {
        using var dir = new TempDir();
        var config = Export.Config(name);

        var result = await ValidateExportAsync(dir, config, gateway);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"validated {Export.Objects(config, Export.Options(gateway)).Count} objects", result.Output);
    }

    [Theory]
    [InlineData(ClusterGateway.Nginx)]
    [InlineData(ClusterGateway.IngressNginx)]
    public async Task Every_object_of_a_deployment_using_every_option_validates(ClusterGateway gateway)
    {
        using var dir = new TempDir();
        Orchestration.Nginx.DevCertificate.Create(Path.Combine(dir.Path, "cert.pem"), Path.Combine(dir.Path, "key.pem"), [], TimeSpan.FromDays(1));
        var config = Export.Load(dir, Everything);
        using var output = new TempDir();

        var result = await ValidateExportAsync(output, config, gateway);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"validated {Export.Objects(config, Export.Options(gateway)).Count} objects", result.Output);
    }

    [Fact]
    public async Task The_validator_rejects_an_object_the_schema_does_not_allow()
    {
        using var dir = new TempDir();
        var service = new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = "broken" },
            Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Name = "http", Port = 80 }], Type = "Nowhere" }, // no such type
        };
        var file = dir.Write("broken.yaml", ManifestWriter.Serialize(new ManifestFile("broken.yaml", [service]), "broken on purpose"));

        var result = await SchemaValidator.ValidateAsync([file]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("INVALID", result.Errors);
        Assert.Contains("data/spec/type must be equal to one of the allowed values", result.Errors);
    }

    [Fact]
    public async Task The_validator_refuses_a_kind_it_has_no_schema_for_instead_of_passing_it()
    {
        using var dir = new TempDir();
        var file = dir.Write("odd.yaml", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n");

        var result = await SchemaValidator.ValidateAsync([file]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no Kubernetes model for apiVersion 'example.com/v1', kind 'Widget'", result.Errors);
    }

    private static async Task<SchemaValidator.Result> ValidateExportAsync(TempDir dir, Orchestration.Config.DeploymentConfig config, ClusterGateway gateway)
    {
        var files = Export.Write(dir.Path, config, Export.Options(gateway));
        // kustomization.yaml is kustomize's own type, not a Kubernetes object.
        return await SchemaValidator.ValidateAsync(files.Where(f => Path.GetFileName(f) != ManifestWriter.KustomizationFile));
    }
}
