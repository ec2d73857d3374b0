using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Orchestration.Config;

/// <summary>The gateway's security settings: worker user, TLS, timeouts, limits, trusted proxies.</summary>
internal sealed partial class ConfigParser
{
    private static readonly string[] TlsKeys = ["cert", "key", "redirect_port"];
    private static readonly string[] TimeoutKeys = ["client_header", "client_body", "send", "keepalive"];
    private static readonly string[] LimitKeys = ["requests_per_second", "burst", "connections_per_client"];

    private string? ReadUser(YamlSection nginx)
    {
        const string fix = "write the name of an unprivileged account such as www-data or nobody (root keeps the workers root).";
        var value = nginx.String("user", fix);
        if (value is null) return null;
        if (ConfigRules.UserName().IsMatch(value)) return value;
        diagnostics.Error("nginx.user", $"'{value}' is not a user name.", fix);
        return null;
    }

    private TlsSettings? ReadTls(YamlSection? tls)
    {
        if (tls is null) return null;
        tls.RejectUnknownKeys(TlsKeys);
        var cert = ReadPemFile(tls, "cert", "the certificate (PEM), e.g. cert: certs/gateway.pem; ./build.sh DevCert makes one for local use.");
        var key = ReadPemFile(tls, "key", "the private key (PEM) of the certificate, e.g. key: certs/gateway.key.");
        var redirect = Port(tls, "redirect_port");
        if (cert is null || key is null) return null;
        CheckCertificate(cert, key);
        return new TlsSettings { Certificate = cert, Key = key, RedirectPort = redirect };
    }

    private string? ReadPemFile(YamlSection tls, string field, string what)
    {
        var path = tls.Child(field);
        var value = tls.String(field, $"write the path of {what}");
        if (value is null)
        {
            diagnostics.Error(path, "is missing.", $"write the path of {what}");
            return null;
        }
        var full = ConfigRules.Resolve(_baseDirectory, value);
        try
        {
            using var stream = File.OpenRead(full);
            return full;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var why = File.Exists(full) ? $"cannot be read ({ex.Message})" : "does not exist";
            diagnostics.Error(path, $"'{value}' ({full}) {why}.", $"write the path of {what}");
            return null;
        }
    }

    /// <summary>Loads the pair as nginx will: a PEM certificate, a PEM private key that is its own, valid today.</summary>
    private void CheckCertificate(string cert, string key)
    {
        const string fix = "use a certificate and the private key it was issued for; ./build.sh DevCert makes a matching pair for local use.";
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(File.ReadAllText(cert));
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            diagnostics.Error("nginx.tls.cert", $"{Path.GetFileName(cert)} holds no PEM certificate ({ex.Message}).", fix);
            return;
        }
        using (certificate)
        {
            try
            {
                using var pair = X509Certificate2.CreateFromPemFile(cert, key);
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException)
            {
                var why = IsPrivateKey(File.ReadAllText(key))
                    ? $"the key {Path.GetFileName(key)} does not match the certificate {Path.GetFileName(cert)} ({certificate.Subject})"
                    : $"{Path.GetFileName(key)} holds no PEM private key";
                diagnostics.Error("nginx.tls.key", why + ".", fix);
                return;
            }
            var now = DateTime.Now;
            if (certificate.NotAfter < now)
                diagnostics.Error("nginx.tls.cert", $"the certificate {Path.GetFileName(cert)} ({certificate.Subject}) expired on {certificate.NotAfter:yyyy-MM-dd}.", "renew it, or run ./build.sh DevCert for a new local one.");
            else if (certificate.NotBefore > now)
                diagnostics.Error("nginx.tls.cert", $"the certificate {Path.GetFileName(cert)} ({certificate.Subject}) is not valid before {certificate.NotBefore:yyyy-MM-dd HH:mm}.", "check the machine's clock, or issue it again.");
        }
    }

    private static bool IsPrivateKey(string pem)
    {
        foreach (var algorithm in new Func<AsymmetricAlgorithm>[] { ECDsa.Create, RSA.Create })
        {
            using var key = algorithm();
            try
            {
                key.ImportFromPem(pem);
                return true;
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException)
            {
            }
        }
        return false;
    }

    private GatewayTimeouts ReadTimeouts(YamlSection? timeouts)
    {
        var defaults = new GatewayTimeouts();
        if (timeouts is null) return defaults;
        timeouts.RejectUnknownKeys(TimeoutKeys);
        return new GatewayTimeouts
        {
            ClientHeaderSeconds = PositiveSeconds(timeouts, "client_header") ?? defaults.ClientHeaderSeconds,
            ClientBodySeconds = PositiveSeconds(timeouts, "client_body") ?? defaults.ClientBodySeconds,
            SendSeconds = PositiveSeconds(timeouts, "send") ?? defaults.SendSeconds,
            KeepaliveSeconds = PositiveSeconds(timeouts, "keepalive") ?? defaults.KeepaliveSeconds,
        };
    }

    private GatewayLimits? ReadLimits(YamlSection? limits)
    {
        if (limits is null) return null;
        limits.RejectUnknownKeys(LimitKeys);
        var rate = Ranged(limits, "requests_per_second", 1, 1_000_000, "use a number of requests per second per client, e.g. 20.");
        var burst = Ranged(limits, "burst", 0, 1_000_000, "use how many requests over the rate a client may send at once, e.g. 40.");
        var connections = Ranged(limits, "connections_per_client", 1, 1_000_000, "use a number of open connections per client, e.g. 50.");
        if (burst is not null && rate is null)
            diagnostics.Error(limits.Child("burst"), "is set without requests_per_second.", "add requests_per_second, or remove burst.");
        return new GatewayLimits { RequestsPerSecond = rate, Burst = burst ?? 0, ConnectionsPerClient = connections };
    }

    private double? ReadMaxBody(YamlSection nginx)
    {
        const string fix = "use a size in megabytes greater than 0, e.g. 10.";
        var value = nginx.Number("max_body_mb", fix, "a size in megabytes");
        if (value is null) return null;
        if (value > 0 && value <= 1_000_000) return value;
        diagnostics.Error("nginx.max_body_mb", $"{value} is not a size in megabytes greater than 0.", fix);
        return null;
    }

    private List<string> ReadTrustedProxies(YamlSection nginx)
    {
        const string fix = "list addresses or CIDR ranges of the proxies in front of the gateway, e.g. [10.0.0.0/8, 192.0.2.7].";
        var list = nginx.List("trusted_proxies", fix);
        if (list is null) return [];
        var result = new List<string>();
        foreach (var (value, path) in list)
        {
            if (IPNetwork.TryParse(value, out _) || IPAddress.TryParse(value, out _)) result.Add(value);
            else diagnostics.Error(path, $"'{value}' is neither an address nor a CIDR range.", fix);
        }
        return result;
    }
}
