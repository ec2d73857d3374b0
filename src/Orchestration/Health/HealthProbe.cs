using System.Diagnostics;

namespace Orchestration.Health;

/// <summary>One GET of a health URL with its own timeout.</summary>
public sealed record HealthResult(string Url, bool Healthy, int? StatusCode, TimeSpan Latency, string? Error)
{
    public override string ToString() => Healthy
        ? $"{Url}: {StatusCode} in {Latency.TotalMilliseconds:0} ms"
        : $"{Url}: {Error ?? $"HTTP {StatusCode}"}";
}

public sealed class HealthProbe : IDisposable
{
    private readonly HttpClient _client;

    /// <param name="trustedCertificate">
    /// A PEM certificate to trust besides the system's: the gateway's own (nginx.tls), often
    /// self-signed for local use. Only that exact certificate is accepted, never any.
    /// </param>
    public HealthProbe(string? trustedCertificate = null)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromSeconds(30),
            ConnectTimeout = TimeSpan.FromSeconds(2),
        };
        if (trustedCertificate is not null)
        {
            using var trusted = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(trustedCertificate));
            var thumbprint = trusted.Thumbprint;
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == System.Net.Security.SslPolicyErrors.None
                || (certificate is not null && string.Equals(certificate.GetCertHashString(), thumbprint, StringComparison.OrdinalIgnoreCase));
        }
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<HealthResult> ProbeAsync(string url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await _client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            return new HealthResult(url, response.IsSuccessStatusCode, code, clock.Elapsed, response.IsSuccessStatusCode ? null : $"HTTP {code}");
        }
        catch (HttpRequestException ex)
        {
            return new HealthResult(url, false, null, clock.Elapsed, ex.InnerException?.Message ?? ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthResult(url, false, null, clock.Elapsed, $"no answer within {timeout.TotalSeconds:0.#} s");
        }
    }

    public void Dispose() => _client.Dispose();
}
