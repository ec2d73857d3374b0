using Orchestration.Images;

namespace Orchestration.Kubernetes;

/// <summary>What fronts the servers on the cluster.</summary>
public enum ClusterGateway
{
    /// <summary>Our nginx, its config from the same renderer as on this machine: a Deployment, a ConfigMap and a Service.</summary>
    Nginx,

    /// <summary>An Ingress for the ingress-nginx controller (<c>--ingress nginx</c>).</summary>
    IngressNginx,
}

/// <summary>The choices of an export beyond the deployment itself: namespace, images and the gateway.</summary>
public sealed record KubernetesExportOptions
{
    public const string DefaultNamespace = "orchestration";

    public string Namespace { get; init; } = DefaultNamespace;

    public required ImageNames Images { get; init; }

    public ClusterGateway Gateway { get; init; } = ClusterGateway.Nginx;

    /// <summary>
    /// Options from the command line's values, each problem with its fix; an invalid value leaves its
    /// default in the options, so the deployment's own problems can be listed with them at once.
    /// </summary>
    public static (KubernetesExportOptions Options, IReadOnlyList<string> Problems) From(string? @namespace, string? ingress, string? imagePrefix, string tag)
    {
        var problems = new List<string>();
        var gateway = ClusterGateway.Nginx;
        try { gateway = ParseIngress(ingress); }
        catch (KubernetesExportException ex) { problems.AddRange(ex.Problems); }
        ImageNames images;
        try { images = new ImageNames(imagePrefix ?? ImageNames.DefaultPrefix, tag); }
        catch (ArgumentException ex)
        {
            problems.Add(ex.Message);
            images = new ImageNames(ImageNames.DefaultPrefix, "latest");
        }
        return (new KubernetesExportOptions { Namespace = @namespace ?? DefaultNamespace, Images = images, Gateway = gateway }, problems);
    }

    /// <summary>The gateway for a <c>--ingress</c> value: none gives our nginx, <c>nginx</c> an ingress-nginx Ingress.</summary>
    /// <exception cref="KubernetesExportException">Any other controller.</exception>
    public static ClusterGateway ParseIngress(string? value) => value switch
    {
        null or "" => ClusterGateway.Nginx,
        "nginx" or "ingress-nginx" => ClusterGateway.IngressNginx,
        _ => throw new KubernetesExportException([
            $"--ingress: '{value}' is not a supported Ingress controller. Fix: use --ingress nginx (ingress-nginx), or leave --ingress out to run the deployment's own nginx gateway."]),
    };
}
