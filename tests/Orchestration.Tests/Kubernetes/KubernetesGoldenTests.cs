using Orchestration.Kubernetes;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Kubernetes;

/// <summary>
/// Every file the export writes for the shipped configs, byte for byte, in one golden file each
/// (files in order, each after a <c># ==&gt; name &lt;==</c> line). After an intended change, run with
/// UPDATE_GOLDEN=1 and review the diff of tests/Orchestration.Tests/Golden.
/// </summary>
public sealed class KubernetesGoldenTests
{
    public static TheoryData<string, ClusterGateway> Exports() => new()
    {
        { "dev", ClusterGateway.Nginx },
        { "prod", ClusterGateway.IngressNginx },
    };

    [Theory]
    [MemberData(nameof(Exports))]
    public void The_export_of_a_shipped_config_is_exactly_its_golden_file(string name, ClusterGateway gateway)
    {
        using var dir = new TempDir();
        var files = Export.Write(dir.Path, Export.Config(name), Export.Options(gateway));
        var text = string.Concat(files.Select(f => $"# ==> {Path.GetFileName(f)} <==\n{File.ReadAllText(f)}"));
        var golden = RepoPaths.File("tests", "Orchestration.Tests", "Golden", $"{name}.{(gateway == ClusterGateway.Nginx ? "gateway" : "ingress")}.k8s.yaml");

        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1") File.WriteAllText(golden, text);

        Assert.Equal(File.ReadAllText(golden), text);
    }
}
