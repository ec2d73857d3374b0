using System.Net;
using CliWrap;
using CliWrap.Buffered;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Orchestration.Kubernetes;
using Orchestration.Processes;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Kubernetes;

/// <summary>The readiness probe of a multi-module server, run as the kubelet would (its exec command) against a real HTTP server.</summary>
public sealed class ReadinessProbeTests
{
    [Fact]
    public async Task The_probe_passes_only_while_every_module_answers_healthy()
    {
        var port = PortProbe.PickFree();
        using var dir = new TempDir();
        var config = Export.Load(dir, $"servers:\n  broker:\n    port: {port}\n    modules: [core, broker]\n");
        var command = Export.Container(Export.Objects(config), "broker").ReadinessProbe.Exec.Command;
        var brokerStatus = StatusCodes.Status200OK;
        var app = await StartAsync(port, path => path switch
        {
            "/api/v1/core/health" => StatusCodes.Status200OK,
            "/api/v1/broker/health" => brokerStatus,
            _ => StatusCodes.Status404NotFound,
        });
        try
        {
            var healthy = await RunAsync(command);
            Assert.True(healthy.ExitCode == 0, healthy.StandardError);

            brokerStatus = StatusCodes.Status503ServiceUnavailable;
            var degraded = await RunAsync(command);
            Assert.Equal(1, degraded.ExitCode);
            Assert.Contains("/api/v1/broker/health: HTTP/1.1 503", degraded.StandardError);
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await app.StopAsync(stop.Token);
            await app.DisposeAsync();
        }

        var gone = await RunAsync(command);
        Assert.NotEqual(0, gone.ExitCode);
    }

    private static async Task<WebApplication> StartAsync(int port, Func<string, int> status)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.Run(context =>
        {
            context.Response.StatusCode = status(context.Request.Path.Value ?? "");
            return context.Response.WriteAsync("{}");
        });
        await app.StartAsync();
        return app;
    }

    private static async Task<BufferedCommandResult> RunAsync(IList<string> command)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await Cli.Wrap(command[0]).WithArguments(command.Skip(1)).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(timeout.Token);
    }
}
