namespace Orchestration.Kubernetes;

/// <summary>
/// Memory the scheduler reserves per container, from the idle RSS <c>./build.sh Benchmark</c> measured
/// (docs/performance.md, "Idle memory", 2026-11-26): a TradingApi instance 65.1 MiB, nginx (master and
/// one worker) 13.0 MiB, each rounded up to the next 16 MiB. A request, not a limit: a working
/// instance grows past its idle size, and no figure under load is measured yet to cap it with.
/// CPU is not requested: nothing measured says how much. A <c>command</c> server's program is
/// unknown, so it gets no request. Overlay your own with kustomize.
/// </summary>
public static class ResourceRequests
{
    /// <summary>Idle RSS of one bundled-backend instance (core,broker), MiB.</summary>
    public const double DotNetIdleRssMiB = 65.1;

    /// <summary>Idle RSS of nginx, master and one worker, MiB.</summary>
    public const double NginxIdleRssMiB = 13.0;

    public static string DotNetMemory => RoundUp(DotNetIdleRssMiB);

    public static string NginxMemory => RoundUp(NginxIdleRssMiB);

    /// <summary>A quantity in Mi, rounded up to a multiple of 16.</summary>
    public static string RoundUp(double mebibytes) =>
        $"{((long)Math.Ceiling(mebibytes / 16) * 16).ToString(System.Globalization.CultureInfo.InvariantCulture)}Mi";
}
