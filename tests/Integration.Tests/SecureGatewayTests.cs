using System.Net;
using System.Security.Cryptography.X509Certificates;
using Orchestration.Processes;

namespace Integration.Tests;

/// <summary>The whole stack behind an HTTPS gateway, with a certificate made by ./build.sh DevCert.</summary>
public sealed class SecureGatewayTests
{
    [Fact]
    public async Task DevCert_then_Start_serves_HTTPS_Status_checks_it_and_workers_are_not_root()
    {
        await using var stack = new TestStack(p => Configs.Default(p).Replace($"  port: {p.Gateway}\n",
            $"  port: {p.Gateway}\n  tls: {{cert: certs/dev-cert.pem, key: certs/dev-key.pem}}\n", StringComparison.Ordinal));

        var devCert = await stack.RunOkAsync("DevCert");
        Assert.Contains("dev-cert.pem", devCert.Output);
        await stack.RunOkAsync("Start");

        var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(stack.Directory, "certs", "dev-cert.pem")));
        using var https = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, c, _, _) => c is not null && c.GetCertHashString() == certificate.Thumbprint },
        });
        using var health = await https.GetAsync($"https://127.0.0.1:{stack.Ports.Gateway}/api/v1/broker/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        var status = await stack.RunAsync("Status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains($"https://127.0.0.1:{stack.Ports.Gateway}", status.Output);

        var nginx = stack.State!.Processes.Single(p => p.Name == "nginx");
        var workers = ProcInfo.AllPids().Select(ProcInfo.Read).OfType<ProcInfo>().Where(p => p.ParentPid == nginx.Pid).ToList();
        Assert.NotEmpty(workers);
        Assert.All(workers, w => Assert.NotEqual(0, w.Uid));
    }
}
