using System.Diagnostics.CodeAnalysis;
using System.Text;
using k8s;
using Orchestration.IO;

namespace Orchestration.Kubernetes;

/// <summary>
/// Writes an export to a folder: each file's objects as YAML documents (KubernetesClient's serializer),
/// and a kustomization.yaml listing them, so <c>kubectl apply -k DIR</c> applies the lot and an overlay
/// can change any of it.
/// </summary>
public static class ManifestWriter
{
    public const string KustomizationFile = "kustomization.yaml";

    /// <summary>Writes every file (atomically) and returns their paths, kustomization.yaml last.</summary>
    public static IReadOnlyList<string> Write(string directory, IReadOnlyList<ManifestFile> files, string header)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var file in files)
        {
            var path = Path.Combine(directory, file.Name);
            AtomicFile.WriteAllText(path, Serialize(file, header));
            written.Add(path);
        }
        var kustomization = Path.Combine(directory, KustomizationFile);
        AtomicFile.WriteAllText(kustomization, Kustomization(files, header));
        written.Add(kustomization);
        return written;
    }

    /// <summary>The file's objects as YAML documents separated by <c>---</c>, after a comment header.</summary>
    public static string Serialize(ManifestFile file, string header)
    {
        var text = new StringBuilder(Comment(header));
        for (var i = 0; i < file.Objects.Count; i++)
        {
            if (i > 0) text.Append("---\n");
            text.Append(KubernetesYaml.Serialize(file.Objects[i]).Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n')).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>A Kustomization of the files, in order (kustomize's own type, so not a Kubernetes model).</summary>
    public static string Kustomization(IReadOnlyList<ManifestFile> files, string header) =>
        Comment(header) + KustomizationYaml.Serialize(new KustomizationModel
        {
            Resources = files.Select(f => f.Name).ToList(),
        }).Replace("\r\n", "\n", StringComparison.Ordinal);

    private static readonly YamlDotNet.Serialization.ISerializer KustomizationYaml = CreateKustomizationYaml();

    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "One sealed class of strings and a list of strings, kept whole by the build program's publish.")]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(KustomizationModel))]
    private static YamlDotNet.Serialization.ISerializer CreateKustomizationYaml() => new YamlDotNet.Serialization.SerializerBuilder()
        .WithNamingConvention(YamlDotNet.Serialization.NamingConventions.CamelCaseNamingConvention.Instance)
        .Build();

    private sealed class KustomizationModel
    {
        public string ApiVersion { get; init; } = "kustomize.config.k8s.io/v1beta1";
        public string Kind { get; init; } = "Kustomization";
        public required List<string> Resources { get; init; }
    }

    private static string Comment(string header) =>
        string.Concat(header.Split('\n').Select(line => $"# {line}\n"));
}
