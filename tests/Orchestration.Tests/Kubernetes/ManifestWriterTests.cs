using k8s;
using Orchestration.Kubernetes;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Kubernetes;

/// <summary>The files an export writes: YAML documents that read back as the same objects, and a kustomization of them.</summary>
public sealed class ManifestWriterTests
{
    [Fact]
    public void The_files_read_back_as_the_objects_and_the_kustomization_lists_exactly_them()
    {
        using var dir = new TempDir();
        var config = Export.Config("prod");

        var written = Export.Write(dir.Path, config);

        Assert.Equal(["broker.yaml", "datafeed.yaml", "gateway.yaml", "kustomization.yaml", "namespace.yaml"], dir.Entries());
        Assert.Equal("kustomization.yaml", Path.GetFileName(written[^1]));
        var objects = Export.Objects(config);
        var read = written.SkipLast(1).SelectMany(f => KubernetesYaml.LoadAllFromString(File.ReadAllText(f))).ToList();
        Assert.Equal(objects.Cast<IKubernetesObject<k8s.Models.V1ObjectMeta>>().Select(o => $"{o.Kind}/{o.Metadata.Name}"),
            read.Cast<IKubernetesObject<k8s.Models.V1ObjectMeta>>().Select(o => $"{o.Kind}/{o.Metadata.Name}"));
        Assert.Equal(Export.GatewayConf(objects), Export.GatewayConf(read.Cast<IKubernetesObject>()));

        var kustomization = File.ReadAllText(written[^1]);
        Assert.StartsWith("# test export\n", kustomization);
        Assert.Contains("kind: Kustomization\n", kustomization);
        var resources = kustomization.Split('\n').Where(l => l.StartsWith("- ", StringComparison.Ordinal)).Select(l => l[2..]).ToList();
        Assert.Equal(["namespace.yaml", "broker.yaml", "datafeed.yaml", "gateway.yaml"], resources);
    }

    [Fact]
    public void Writing_twice_gives_the_same_bytes()
    {
        using var first = new TempDir();
        using var second = new TempDir();
        var config = Export.Config("dev");

        var a = Export.Write(first.Path, config).Select(File.ReadAllText).ToList();
        var b = Export.Write(second.Path, config).Select(File.ReadAllText).ToList();

        Assert.Equal(a, b);
    }

    [Fact]
    public void With_an_ingress_the_gateway_file_is_the_ingress()
    {
        using var dir = new TempDir();

        Export.Write(dir.Path, Export.Config("dev"), Export.Options(ClusterGateway.IngressNginx));

        Assert.Equal(["broker.yaml", "datafeed.yaml", "ingress.yaml", "kustomization.yaml", "namespace.yaml"], dir.Entries());
    }
}
