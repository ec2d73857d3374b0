using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orchestration.Nginx;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Config;

/// <summary>nginx.tls errors name the field, the file and the fix, before anything starts.</summary>
public sealed class TlsConfigTests
{
    private static string Yaml(string tls) => $"nginx:\n  port: 8000\n  tls: {tls}\nservers:\n  broker: {{port: 8001, modules: [core, broker]}}\n";

    [Fact]
    public void A_matching_pair_made_by_DevCert_is_accepted_with_absolute_paths()
    {
        using var dir = new TempDir();
        DevCertificate.Create(Path.Combine(dir.Path, "c.pem"), Path.Combine(dir.Path, "k.pem"), ["gateway.test"], TimeSpan.FromDays(30));
        var result = Orchestration.Config.ConfigLoader.Load(dir.Write("deploy.yaml", Yaml("{cert: c.pem, key: k.pem, redirect_port: 8080}")));

        Assert.True(result.IsValid, result.ErrorText);
        Assert.Equal(Path.Combine(dir.Path, "c.pem"), result.Config!.Nginx.Tls!.Certificate);
        Assert.Equal(8080, result.Config.Nginx.Tls.RedirectPort);
        Assert.StartsWith("https://", result.Config.Nginx.Url);
    }

    [Fact]
    public void A_missing_file_is_named_with_its_field()
    {
        using var dir = new TempDir();
        var result = Orchestration.Config.ConfigLoader.Load(dir.Write("deploy.yaml", Yaml("{cert: nowhere.pem, key: nowhere.key}")));

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.ToString().Contains("nginx.tls.cert") && e.ToString().Contains("'nowhere.pem'") && e.ToString().Contains("does not exist") && e.ToString().Contains("DevCert"));
        Assert.Contains(result.Errors, e => e.ToString().Contains("nginx.tls.key"));
    }

    [Fact]
    public void A_key_of_another_certificate_is_refused()
    {
        using var dir = new TempDir();
        DevCertificate.Create(Path.Combine(dir.Path, "a.pem"), Path.Combine(dir.Path, "a.key"), [], TimeSpan.FromDays(30));
        DevCertificate.Create(Path.Combine(dir.Path, "b.pem"), Path.Combine(dir.Path, "b.key"), [], TimeSpan.FromDays(30));
        var result = Orchestration.Config.ConfigLoader.Load(dir.Write("deploy.yaml", Yaml("{cert: a.pem, key: b.key}")));

        var error = Assert.Single(result.Errors).ToString();
        Assert.Contains("nginx.tls.key", error);
        Assert.Contains("does not match", error);
    }

    [Fact]
    public void An_expired_certificate_is_refused_with_its_date()
    {
        using var dir = new TempDir();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=old", key, HashAlgorithmName.SHA256);
        using var old = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1));
        File.WriteAllText(Path.Combine(dir.Path, "old.pem"), old.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir.Path, "old.key"), key.ExportPkcs8PrivateKeyPem());
        var result = Orchestration.Config.ConfigLoader.Load(dir.Write("deploy.yaml", Yaml("{cert: old.pem, key: old.key}")));

        var error = Assert.Single(result.Errors).ToString();
        Assert.Contains("nginx.tls.cert", error);
        Assert.Contains("expired on", error);
    }
}
