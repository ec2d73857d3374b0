using k8s;

namespace Orchestration.Kubernetes;

/// <summary>One file of an export: its name in the output folder and the objects it holds, in order.</summary>
public sealed record ManifestFile(string Name, IReadOnlyList<IKubernetesObject> Objects);
