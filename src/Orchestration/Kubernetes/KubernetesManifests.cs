using k8s;
using k8s.Models;
using Orchestration.Config;

namespace Orchestration.Kubernetes;

/// <summary>
/// A deployment as Kubernetes objects, one file per concern: the namespace, each server (Deployment
/// and Service), and the gateway (our nginx, or an Ingress). A pure function of the validated
/// deployment and the options: same input, same objects.
/// </summary>
public static class KubernetesManifests
{
    public const string NamespaceFile = "namespace.yaml";
    public const string GatewayFile = "gateway.yaml";
    public const string IngressFile = "ingress.yaml";

    /// <exception cref="KubernetesExportException">The deployment cannot be exported as it is (every problem, each with its fix).</exception>
    public static IReadOnlyList<ManifestFile> Build(DeploymentConfig config, KubernetesExportOptions options)
    {
        KubernetesNames.EnsureExportable(config, options);
        var labels = new ObjectLabels(KubernetesNames.DeploymentName(config), options.Namespace, options.Images.Tag);
        var files = new List<ManifestFile> { new(NamespaceFile, [Namespace(options.Namespace, labels)]) };
        files.AddRange(config.Servers.Select(s => new ManifestFile($"{s.Name}.yaml", ServerManifests.For(config, s, options, labels))));
        files.Add(options.Gateway == ClusterGateway.Nginx
            ? new ManifestFile(GatewayFile, GatewayManifests.For(config, options, labels))
            : new ManifestFile(IngressFile, IngressManifests.For(config, labels)));
        return files;
    }

    private static V1Namespace Namespace(string name, ObjectLabels labels)
    {
        var metadata = labels.Metadata(name, name, "namespace");
        metadata.NamespaceProperty = null;
        return new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = metadata };
    }
}
