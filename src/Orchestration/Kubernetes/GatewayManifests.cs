using k8s;
using k8s.Models;
using Orchestration.Config;
using Orchestration.IO;
using Orchestration.Nginx;

namespace Orchestration.Kubernetes;

/// <summary>
/// The gateway on a cluster: the nginx.conf the renderer makes for this machine, with each upstream
/// at its server's Service name, in a ConfigMap; an nginx Deployment that mounts it; a Service in
/// front. Only the container's view differs: it listens on every address, writes its pid and temp
/// files to /tmp and logs to its standard streams.
/// </summary>
public static class GatewayManifests
{
    public const string Component = "gateway";
    public const string ConfigDirectory = "/etc/orchestration";
    public const string ConfigFile = "nginx.conf";
    public const string TlsDirectory = "/etc/orchestration/tls";

    /// <summary>Where nginx keeps its pid and temp files in the container: the emptyDir at /tmp.</summary>
    public const string RunDirectory = "/tmp";

    /// <summary>The annotation on the pod template that changes with the config, so a new config rolls the gateway.</summary>
    public const string ConfigHashAnnotation = "orchestration/nginx-conf-sha256";

    /// <summary>nginx in the foreground, the config from the ConfigMap, the startup error log on stderr.</summary>
    public static IReadOnlyList<string> Command { get; } =
        NginxCommands.Foreground("nginx", $"{ConfigDirectory}/{ConfigFile}", RunDirectory, "stderr");

    public static IReadOnlyList<IKubernetesObject> For(DeploymentConfig config, KubernetesExportOptions options, ObjectLabels labels)
    {
        var text = NginxConf(config);
        return [ConfigMap(text, labels), Deployment(config, text, options, labels), Service(config, labels)];
    }

    /// <summary>The gateway's nginx.conf on the cluster: the same renderer, upstreams at the Services' names.</summary>
    public static string NginxConf(DeploymentConfig config)
    {
        var tls = config.Nginx.Tls is { } t
            ? t with { Certificate = $"{TlsDirectory}/tls.crt", Key = $"{TlsDirectory}/tls.key" }
            : null;
        var inPod = config with
        {
            LocalDir = RunDirectory,
            Nginx = config.Nginx with { Listen = "0.0.0.0", Tls = tls },
        };
        return NginxConfigRenderer.Render(inPod, new NginxRenderOptions
        {
            Workers = new NginxWorkers(null, RunDirectory),
            Files = NginxFiles.StandardStreams(RunDirectory),
            // The Service's short name resolves in the pod's own namespace (its DNS search path),
            // so the config stays right when an overlay moves everything to another namespace.
            Upstreams = new ServiceNameAddresses(server => server.Name),
            Origin = $"written by ./build.sh ExportKubernetes into the ConfigMap {KubernetesNames.GatewayConfigMap}.\n" +
                     $"# Runs in the gateway pod: {string.Join(' ', Command.Select(a => a.Contains(' ') ? $"\"{a}\"" : a))}",
        });
    }

    public static V1ConfigMap ConfigMap(string nginxConf, ObjectLabels labels) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = labels.Metadata(KubernetesNames.GatewayConfigMap, KubernetesNames.Gateway, Component),
        Data = new Dictionary<string, string> { [ConfigFile] = nginxConf },
    };

    public static V1Deployment Deployment(DeploymentConfig config, string nginxConf, KubernetesExportOptions options, ObjectLabels labels)
    {
        var tls = config.Nginx.Tls;
        var scheme = tls is null ? "HTTP" : "HTTPS";
        var probe = new V1HTTPGetAction { Path = "/", Port = PortName(config), Scheme = scheme }; // nginx's own 302: no backend involved
        var mounts = new List<V1VolumeMount>
        {
            new() { Name = "config", MountPath = ConfigDirectory, ReadOnlyProperty = true },
            ContainerSettings.TmpMount(),
        };
        var volumes = new List<V1Volume>
        {
            new() { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = KubernetesNames.GatewayConfigMap } },
            ContainerSettings.Tmp(),
        };
        if (tls is not null)
        {
            mounts.Add(new V1VolumeMount { Name = "tls", MountPath = TlsDirectory, ReadOnlyProperty = true });
            volumes.Add(new V1Volume { Name = "tls", Secret = new V1SecretVolumeSource { SecretName = KubernetesNames.GatewayTlsSecret } });
        }
        var container = new V1Container
        {
            Name = "nginx",
            Image = options.Images.Gateway,
            Command = Command.ToList(),
            Ports = ContainerPorts(config),
            ReadinessProbe = new V1Probe { HttpGet = probe, PeriodSeconds = 5, TimeoutSeconds = 2, FailureThreshold = 2 },
            LivenessProbe = new V1Probe { HttpGet = probe, PeriodSeconds = 10, TimeoutSeconds = 2, FailureThreshold = 3 },
            Lifecycle = ContainerSettings.PreStopSleep(),
            Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["memory"] = new(ResourceRequests.NginxMemory) } },
            SecurityContext = ContainerSettings.ContainerSecurity(),
            VolumeMounts = mounts,
        };
        return Workloads.Deployment(labels, KubernetesNames.Gateway, Component, replicas: 1, new V1PodSpec
        {
            Containers = [container],
            // Open requests finish within stop_timeout, as Stop does locally, when the image stops nginx
            // with SIGQUIT (STOPSIGNAL SIGQUIT, as the official nginx image has); SIGTERM would cut them.
            TerminationGracePeriodSeconds = ContainerSettings.TerminationGracePeriodSeconds(config.StopTimeout),
            EnableServiceLinks = false,
            SecurityContext = ContainerSettings.PodSecurity(),
            Volumes = volumes,
        }, new Dictionary<string, string> { [ConfigHashAnnotation] = ShortHash.Of(nginxConf, 64) });
    }

    public static V1Service Service(DeploymentConfig config, ObjectLabels labels) =>
        Workloads.Service(labels, KubernetesNames.Gateway, Component, ServicePorts(config));

    private static string PortName(DeploymentConfig config) => config.Nginx.Tls is null ? "http" : "https";

    private static List<V1ContainerPort> ContainerPorts(DeploymentConfig config)
    {
        var ports = new List<V1ContainerPort> { new() { Name = PortName(config), ContainerPort = config.Nginx.Port, Protocol = "TCP" } };
        if (config.Nginx.Tls?.RedirectPort is { } redirect)
            ports.Add(new V1ContainerPort { Name = "http", ContainerPort = redirect, Protocol = "TCP" });
        return ports;
    }

    /// <summary>The Service listens on the usual port of its scheme (80, 443) and forwards to nginx's.</summary>
    private static List<V1ServicePort> ServicePorts(DeploymentConfig config) =>
        ContainerPorts(config).Select(p => new V1ServicePort
        {
            Name = p.Name,
            Port = p.Name == "https" ? 443 : 80,
            TargetPort = p.Name,
            Protocol = "TCP",
        }).ToList();
}
