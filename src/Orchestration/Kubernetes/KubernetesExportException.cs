namespace Orchestration.Kubernetes;

/// <summary>A deployment that cannot be exported as it is; every problem at once, each with its fix.</summary>
public sealed class KubernetesExportException(IReadOnlyList<string> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
