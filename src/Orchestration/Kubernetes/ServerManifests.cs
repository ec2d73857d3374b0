using k8s;
using k8s.Models;
using Orchestration.Config;

namespace Orchestration.Kubernetes;

/// <summary>
/// One server as a Deployment (replicas = instances, every replica on the server's port in a pod of
/// its own) and a ClusterIP Service in front of its ready replicas; with several instances, a
/// PodDisruptionBudget too, so a node drain takes one replica at a time as a rolling update does.
/// </summary>
public static class ServerManifests
{
    public const string Component = "backend";

    public static IReadOnlyList<IKubernetesObject> For(DeploymentConfig config, ServerConfig server, KubernetesExportOptions options, ObjectLabels labels) =>
        server.Instances > 1
            ? [Deployment(config, server, options, labels), Service(server, labels), DisruptionBudget(server, labels)]
            : [Deployment(config, server, options, labels), Service(server, labels)];

    public static V1Deployment Deployment(DeploymentConfig config, ServerConfig server, KubernetesExportOptions options, ObjectLabels labels)
    {
        var ours = server.IsDotNetProject; // an image we build: we know it runs non-root with a read-only root
        var container = new V1Container
        {
            Name = server.Name,
            Image = options.Images.For(server),
            Command = ours ? null : Command(config, server),
            Ports = [new V1ContainerPort { Name = ModuleProbes.PortName, ContainerPort = server.Port, Protocol = "TCP" }],
            Env = Environment(config, server),
            StartupProbe = ModuleProbes.Startup(config, server),
            ReadinessProbe = ModuleProbes.Readiness(config, server),
            LivenessProbe = ModuleProbes.Liveness(config, server),
            Lifecycle = ContainerSettings.PreStopSleep(),
            Resources = ours ? new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["memory"] = new(ResourceRequests.DotNetMemory) } } : null,
            SecurityContext = ours ? ContainerSettings.ContainerSecurity() : new V1SecurityContext { AllowPrivilegeEscalation = false },
            VolumeMounts = ours ? [ContainerSettings.TmpMount()] : null,
        };
        return Workloads.Deployment(labels, server.Name, Component, server.Instances, new V1PodSpec
        {
            Containers = [container],
            TerminationGracePeriodSeconds = ContainerSettings.TerminationGracePeriodSeconds(config.StopTimeout),
            // Service links would add <SERVICE>_PORT and friends to the env the supervisor defines.
            EnableServiceLinks = false,
            SecurityContext = ours ? ContainerSettings.PodSecurity() : null,
            Volumes = ours ? [ContainerSettings.Tmp()] : null,
        });
    }

    public static V1Service Service(ServerConfig server, ObjectLabels labels) =>
        Workloads.Service(labels, server.Name, Component,
            [new V1ServicePort { Name = ModuleProbes.PortName, Port = server.Port, TargetPort = ModuleProbes.PortName, Protocol = "TCP" }]);

    /// <summary>At most one replica of the server away at a time for a voluntary disruption (a node drain).</summary>
    public static V1PodDisruptionBudget DisruptionBudget(ServerConfig server, ObjectLabels labels) => new()
    {
        ApiVersion = "policy/v1",
        Kind = "PodDisruptionBudget",
        Metadata = labels.Metadata(server.Name, server.Name, Component),
        Spec = new V1PodDisruptionBudgetSpec
        {
            MaxUnavailable = 1,
            Selector = new V1LabelSelector { MatchLabels = labels.Selector(server.Name) },
        },
    };

    /// <summary>
    /// The supervisor's environment for this server's instances, in a pod: <c>INSTANCE_NAME</c> is the
    /// pod's name (replicas have no index), and it binds every address of the pod, not loopback.
    /// </summary>
    public static List<V1EnvVar> Environment(DeploymentConfig config, ServerConfig server) =>
        InstanceEnvironment.For(config, server, instanceName: "", server.Port, $"http://+:{server.Port}")
            .Select(kv => kv.Key == InstanceEnvironment.InstanceName && !server.Env.ContainsKey(kv.Key)
                ? new V1EnvVar { Name = kv.Key, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } }
                : new V1EnvVar { Name = kv.Key, Value = ContainerSettings.Literal(kv.Value) })
            .ToList();

    /// <summary>
    /// A <c>command</c> server's argv as the container's command: placeholders expanded for the server's
    /// port; a program the config named relative to its folder (<c>./run.sh</c>) is relative to the
    /// image's working directory, which stands for that folder.
    /// </summary>
    public static List<string> Command(DeploymentConfig config, ServerConfig server)
    {
        var argv = CommandTemplate.Expand(new InstanceSpec(server, 0)).ToList();
        var program = argv[0];
        if (Path.IsPathRooted(program) && Path.GetRelativePath(config.BaseDirectory, program) is var relative
            && !relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative))
            argv[0] = "./" + relative;
        return argv.Select(ContainerSettings.Literal).ToList();
    }
}
