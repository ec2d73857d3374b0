using k8s.Models;

namespace Orchestration.Kubernetes;

/// <summary>
/// The recommended <c>app.kubernetes.io/*</c> labels of every object of one export, and the metadata
/// built from them. Selectors use only the labels that never change (name and instance), so a new
/// image tag rolls a Deployment instead of orphaning its pods.
/// </summary>
public sealed class ObjectLabels(string deploymentName, string @namespace, string version)
{
    public const string Name = "app.kubernetes.io/name";
    public const string Instance = "app.kubernetes.io/instance";
    public const string Component = "app.kubernetes.io/component";
    public const string PartOf = "app.kubernetes.io/part-of";
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string Version = "app.kubernetes.io/version";

    public string Namespace => @namespace;

    /// <summary>The labels that pick the pods of <paramref name="name"/>.</summary>
    public Dictionary<string, string> Selector(string name) => new()
    {
        [Name] = name,
        [Instance] = deploymentName,
    };

    /// <summary>Every label of an object: the selector's, then component, part-of, managed-by and version.</summary>
    public Dictionary<string, string> For(string name, string component)
    {
        var labels = Selector(name);
        labels[Component] = component;
        labels[PartOf] = deploymentName;
        labels[ManagedBy] = "orchestration";
        labels[Version] = version;
        return labels;
    }

    /// <summary>Metadata of a namespaced object.</summary>
    public V1ObjectMeta Metadata(string objectName, string name, string component, IDictionary<string, string>? annotations = null) => new()
    {
        Name = objectName,
        NamespaceProperty = @namespace,
        Labels = For(name, component),
        Annotations = annotations,
    };
}
