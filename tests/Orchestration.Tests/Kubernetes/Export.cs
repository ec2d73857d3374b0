using k8s;
using k8s.Models;
using Orchestration.Config;
using Orchestration.Images;
using Orchestration.Kubernetes;
using Orchestration.Nginx;
using Orchestration.Tests.Nginx;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Kubernetes;

/// <summary>Exports for the tests: the shipped configs and variants, written to a folder and read back as typed objects.</summary>
public static class Export
{
    public static readonly ImageNames Images = new("registry.example.com/team", "test");

    public static KubernetesExportOptions Options(ClusterGateway gateway = ClusterGateway.Nginx) =>
        new() { Images = Images, Gateway = gateway, Namespace = "orch-test" };

    /// <summary>dev or prod (the shipped files), and each of them with the query_param strategy.</summary>
    public static DeploymentConfig Config(string name) => name switch
    {
        "dev" or "prod" => GoldenTests.Shipped(name),
        "dev-query" => QueryParam(GoldenTests.Shipped("dev")),
        "prod-query" => QueryParam(GoldenTests.Shipped("prod")),
        _ => throw new ArgumentException(name),
    };

    public static TheoryData<string> Configs() => new() { "dev", "prod", "dev-query", "prod-query" };

    public static DeploymentConfig QueryParam(DeploymentConfig config) =>
        config with { WebSocket = new WebSocketSettings { RoutingStrategy = RoutingStrategy.QueryParam, QueryParamName = "type" } };

    public static IReadOnlyList<IKubernetesObject> Objects(DeploymentConfig config, KubernetesExportOptions? options = null) =>
        KubernetesManifests.Build(config, options ?? Options()).SelectMany(f => f.Objects).ToList();

    public static T Single<T>(IEnumerable<IKubernetesObject> objects, string name) where T : IKubernetesObject<V1ObjectMeta> =>
        Assert.Single(objects.OfType<T>(), o => o.Metadata.Name == name);

    public static V1Container Container(IEnumerable<IKubernetesObject> objects, string deployment) =>
        Assert.Single(Single<V1Deployment>(objects, deployment).Spec.Template.Spec.Containers);

    /// <summary>The gateway ConfigMap's nginx.conf.</summary>
    public static string GatewayConf(IEnumerable<IKubernetesObject> objects) =>
        Single<V1ConfigMap>(objects, KubernetesNames.GatewayConfigMap).Data[GatewayManifests.ConfigFile];

    /// <summary>Writes the export as the target does and returns the folder's files.</summary>
    public static IReadOnlyList<string> Write(string directory, DeploymentConfig config, KubernetesExportOptions? options = null) =>
        ManifestWriter.Write(directory, KubernetesManifests.Build(config, options ?? Options()), "test export");

    /// <summary>A deployment from YAML, written next to <paramref name="dir"/>'s other files.</summary>
    public static DeploymentConfig Load(TempDir dir, string yaml)
    {
        var result = ConfigLoader.Load(dir.Write("deploy.yaml", yaml));
        Assert.True(result.IsValid, "expected a valid config, got:\n" + result.ErrorText);
        return result.Config!;
    }
}
