using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orchestration.IO;

namespace Orchestration.Nginx;

/// <summary>
/// A self-signed certificate for a gateway on this machine (<c>./build.sh DevCert</c>), made with
/// .NET's own APIs: ECDSA P-256, names localhost, 127.0.0.1 and ::1 (and any given), server
/// authentication only, PEM files (the key owner-only). Trust it explicitly; never in production.
/// </summary>
public static class DevCertificate
{
    public sealed record Files(string Certificate, string Key, DateTimeOffset NotAfter, string Thumbprint);

    public static Files Create(string certificatePath, string keyPath, IEnumerable<string> extraNames, TimeSpan validity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Orchestration local gateway", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        foreach (var name in extraNames.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (IPAddress.TryParse(name, out var ip)) names.AddIpAddress(ip);
            else names.AddDnsName(name);
        }
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(validity));
        AtomicFile.WriteAllText(certificatePath, certificate.ExportCertificatePem() + "\n");
        AtomicFile.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        return new Files(certificatePath, keyPath, certificate.NotAfter, certificate.Thumbprint);
    }
}
