using Orchestration.Config;
using Orchestration.Nginx;

namespace Orchestration.Tests.Support;

/// <summary>The real nginx these tests run, and the render options that fit this process.</summary>
public static class TestNginx
{
    public static string Binary { get; } = NginxLocator.Find(null) ?? throw new InvalidOperationException(
        "nginx is not installed; the gateway tests need it (./build.sh EnsureNginx, or apt-get install nginx-light).");

    /// <summary>As the product renders it: as root, workers run as an unprivileged account; HTTP/2 as this nginx spells it.</summary>
    public static NginxRenderOptions OptionsFor(DeploymentConfig config) => new()
    {
        Workers = NginxWorkers.For(config, Orchestration.Processes.Posix.IsRoot),
        Http2 = NginxVersion.Http2(NginxVersion.ProbeBuildAsync(Binary, CancellationToken.None).GetAwaiter().GetResult()),
    };

    /// <summary>Renders <paramref name="config"/> into its local dir and runs nginx -t on it.</summary>
    public static async Task<NginxValidationResult> RenderAndTestAsync(DeploymentConfig config)
    {
        var options = OptionsFor(config);
        var text = NginxConfigRenderer.Render(config, options);
        Orchestration.IO.AtomicFile.WriteAllText(config.Paths.NginxConf, text);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await NginxValidator.ValidateAsync(Binary, config.Paths.NginxConf, config.Paths, options.Workers!, timeout.Token);
    }
}
