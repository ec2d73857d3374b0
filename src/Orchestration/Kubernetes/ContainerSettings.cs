using k8s.Models;

namespace Orchestration.Kubernetes;

/// <summary>
/// What every container of ours shares: how a value reaches the container literally, the
/// non-root, read-only security context of the images we build, the <c>/tmp</c> they write to,
/// and the pause before SIGTERM that lets endpoints drop a terminating pod first.
/// </summary>
public static class ContainerSettings
{
    /// <summary>
    /// Seconds a terminating pod keeps serving before it gets SIGTERM: Services, kube-proxy and
    /// ingress controllers learn of the removal asynchronously, and a request sent meanwhile must
    /// still be answered. The grace period is this plus stop_timeout.
    /// </summary>
    public const int PreStopSleepSeconds = 5;

    /// <summary>The unprivileged user our images run as (the distroless "nonroot" convention).</summary>
    public const long NonRootUser = 65532;

    public const string TmpVolume = "tmp";

    /// <summary>
    /// A value as Kubernetes must see it to pass it on unchanged: it expands <c>$(NAME)</c> in env
    /// values, command and args, and <c>$$</c> is its escape.
    /// </summary>
    public static string Literal(string value) => value.Replace("$(", "$$(", StringComparison.Ordinal);

    /// <summary>preStop sleep, then SIGTERM, then stop_timeout before SIGKILL.</summary>
    public static long TerminationGracePeriodSeconds(double stopTimeoutSeconds) =>
        PreStopSleepSeconds + (long)Math.Ceiling(stopTimeoutSeconds);

    public static V1Lifecycle PreStopSleep() => new()
    {
        PreStop = new V1LifecycleHandler { Sleep = new V1SleepAction { Seconds = PreStopSleepSeconds } },
    };

    /// <summary>For the images we build (a .NET project, the gateway): non-root, no privilege, read-only root.</summary>
    public static V1PodSecurityContext PodSecurity() => new()
    {
        RunAsNonRoot = true,
        RunAsUser = NonRootUser,
        RunAsGroup = NonRootUser,
        SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
    };

    public static V1SecurityContext ContainerSecurity() => new()
    {
        AllowPrivilegeEscalation = false,
        ReadOnlyRootFilesystem = true,
        Capabilities = new V1Capabilities { Drop = ["ALL"] },
    };

    public static V1Volume Tmp() => new() { Name = TmpVolume, EmptyDir = new V1EmptyDirVolumeSource() };

    public static V1VolumeMount TmpMount() => new() { Name = TmpVolume, MountPath = "/tmp" };
}
