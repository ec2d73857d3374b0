using k8s.Models;

namespace Orchestration.Kubernetes;

/// <summary>
/// The Deployment and ClusterIP Service shapes every workload of an export shares (servers and the
/// gateway): labels and selector from <see cref="ObjectLabels"/>, rolling one new pod in before an old one goes.
/// </summary>
public static class Workloads
{
    public static V1Deployment Deployment(ObjectLabels labels, string name, string component, int replicas, V1PodSpec pod,
        IDictionary<string, string>? podAnnotations = null) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = labels.Metadata(name, name, component),
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = labels.Selector(name) },
            // One new replica ready before an old one goes: the order of the local rolling Restart.
            Strategy = new V1DeploymentStrategy
            {
                Type = "RollingUpdate",
                RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 1, MaxUnavailable = 0 },
            },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = labels.For(name, component), Annotations = podAnnotations },
                Spec = pod,
            },
        },
    };

    public static V1Service Service(ObjectLabels labels, string name, string component, IList<V1ServicePort> ports) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = labels.Metadata(name, name, component),
        Spec = new V1ServiceSpec
        {
            Type = "ClusterIP",
            Selector = labels.Selector(name),
            Ports = ports,
        },
    };
}
