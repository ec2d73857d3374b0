using Orchestration.Config;
using Orchestration.Nginx;

namespace Orchestration.Tests.Support;

/// <summary>The real nginx these tests run, and the render options that fit this process.</summary>
public static class TestNginx
{
    public static string Binary { get; } = NginxLocator.Find(null) ?? throw new InvalidOperationException(
        "nginx is not installed; the gateway tests need it (./build.sh EnsureNginx, or apt-get install nginx-light).");

    /// <summary>As root, workers run as root so they can reach the owner-only local_dir.</summary>
    public static NginxRenderOptions Options { get; } = new() { User = Environment.UserName == "root" ? "root" : null };

    /// <summary>Renders <paramref name="config"/> into its local dir and runs nginx -t on it.</summary>
    public static async Task<NginxValidationResult> RenderAndTestAsync(DeploymentConfig config)
    {
        var text = NginxConfigRenderer.Render(config, Options);
        Orchestration.IO.AtomicFile.WriteAllText(config.Paths.NginxConf, text);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await NginxValidator.ValidateAsync(Binary, config.Paths.NginxConf, config.Paths, timeout.Token);
    }
}
