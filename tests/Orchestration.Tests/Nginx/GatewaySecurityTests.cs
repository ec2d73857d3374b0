using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Orchestration.Nginx;
using Orchestration.Processes;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Nginx;

/// <summary>A gateway safe to expose (issue 17), each point against a real nginx and real backends.</summary>
[Trait("Category", "Integration")]
public sealed class GatewaySecurityTests
{
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private const string Tls = "  tls: {cert: certs/dev-cert.pem, key: certs/dev-key.pem, redirect_port: {spare}}";

    private static void MakeCertificate(string folder) =>
        DevCertificate.Create(Path.Combine(folder, "certs", "dev-cert.pem"), Path.Combine(folder, "certs", "dev-key.pem"), [], TimeSpan.FromDays(1));

    [Fact(Timeout = 60_000)]
    public async Task Workers_never_run_as_root_and_a_5_MB_body_still_goes_through_their_temp_folder()
    {
        await using var gateway = await Gateway.StartAsync("path", Timeout);
        await gateway.CheckAsync(async () =>
        {
            var workers = ProcInfo.AllPids().Select(ProcInfo.Read).OfType<ProcInfo>().Where(p => p.ParentPid == gateway.NginxPid).ToList();
            Assert.NotEmpty(workers);
            foreach (var worker in workers)
            {
                var uid = File.ReadLines($"/proc/{worker.Pid}/status").Single(l => l.StartsWith("Uid:", StringComparison.Ordinal));
                Assert.DoesNotMatch(@"^Uid:\s+0\s", uid); // the real uid of the process that parses requests
            }

            using var body = new ByteArrayContent(new byte[5 * 1024 * 1024]);
            using var response = await gateway.Http.PostAsync(gateway.Url("/api/v1/broker/upload"), body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode); // buffered to client_body temp by an unprivileged worker

            var paths = gateway.Config.Paths;
            if (Posix.IsRoot) Assert.Equal(NginxDirectories.PassThrough, File.GetUnixFileMode(paths.Root)); // pass through, never list
            Assert.Equal(Posix.IsRoot ? NginxDirectories.PassThrough : Orchestration.IO.PrivateDirectory.OwnerOnly, File.GetUnixFileMode(paths.Logs));
            Assert.Equal(Orchestration.IO.AtomicFile.OwnerOnlyFile, File.GetUnixFileMode(paths.NginxConf));
        });
    }

    [Theory(Timeout = 60_000)]
    [InlineData("path", "/api/v1/broker/ws")]
    [InlineData("query_param", "/api/v1/ws?type=broker")]
    public async Task HTTPS_HTTP2_and_wss_work_with_a_certificate_made_at_run_time_and_plain_HTTP_redirects(string strategy, string wsPath)
    {
        await using var gateway = await Gateway.StartAsync(strategy, Timeout, Tls, MakeCertificate);
        await gateway.CheckAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, gateway.Url("/api/v1/broker/orders")) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
            using var response = await gateway.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(HttpVersion.Version20, response.Version); // this nginx has the HTTP/2 module
            var headers = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("headers");
            Assert.Equal("https", headers.GetProperty("x-forwarded-proto").GetString());

            using var socket = new ClientWebSocket();
            socket.Options.RemoteCertificateValidationCallback = gateway.TrustGateway;
            await socket.ConnectAsync(new Uri($"wss://127.0.0.1:{gateway.Config.Nginx.Port}{wsPath}"), Timeout);
            await socket.SendAsync(Encoding.UTF8.GetBytes("over tls"), WebSocketMessageType.Text, true, Timeout);
            var buffer = new byte[1024];
            var received = await socket.ReceiveAsync(buffer, Timeout);
            Assert.EndsWith("|over tls", Encoding.UTF8.GetString(buffer, 0, received.Count));
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", Timeout);

            using var plain = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
            using var redirect = await plain.GetAsync($"http://127.0.0.1:{gateway.SparePort}/api/v1/core/health?x=1");
            Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
            Assert.Equal($"https://127.0.0.1:{gateway.Config.Nginx.Port}/api/v1/core/health?x=1", redirect.Headers.Location?.OriginalString);

            using var untrusting = new HttpClient();
            await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync(gateway.Url("/api/v1/core/health"))); // self-signed: trusted only when pinned
        });
    }

    [Fact(Timeout = 60_000)]
    public async Task A_slow_client_is_dropped_after_the_header_timeout_a_burst_gets_429_and_other_clients_and_websockets_are_unaffected()
    {
        const string limits = "  timeouts: {client_header: 1}\n  limits: {requests_per_second: 1, burst: 2, connections_per_client: 20}";
        await using var gateway = await Gateway.StartAsync("path", Timeout, limits);
        await gateway.CheckAsync(async () =>
        {
            // Slowloris: half a request header, then nothing.
            using var slow = new TcpClient();
            await slow.ConnectAsync(IPAddress.Loopback, gateway.Config.Nginx.Port);
            var stream = slow.GetStream();
            await stream.WriteAsync("GET /api/v1/core/health HTTP/1.1\r\nHost: x\r\n"u8.ToArray());
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
                Assert.Equal(0, await stream.ReadAsync(new byte[256], wait.Token)); // closed by nginx
            Assert.InRange(clock.Elapsed.TotalSeconds, 0.5, 5);

            var codes = new List<HttpStatusCode>();
            for (var i = 0; i < 10; i++)
            {
                using var response = await gateway.Http.GetAsync(gateway.Url("/api/v1/broker/orders"));
                codes.Add(response.StatusCode);
            }
            Assert.Contains(HttpStatusCode.TooManyRequests, codes);
            Assert.DoesNotContain(HttpStatusCode.ServiceUnavailable, codes);
            Assert.Equal(HttpStatusCode.OK, codes[0]);

            // Another client (another address on loopback) has its own allowance.
            using var other = new HttpClient(new SocketsHttpHandler { ConnectCallback = FromAddress(IPAddress.Parse("127.0.0.2")) });
            using (var theirs = await other.GetAsync(gateway.Url("/api/v1/broker/orders")))
                Assert.Equal(HttpStatusCode.OK, theirs.StatusCode);

            // WebSocket routes are not rate-limited: the limited client still connects.
            using var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{gateway.Config.Nginx.Port}/api/v1/broker/ws"), Timeout);
            Assert.Equal(WebSocketState.Open, socket.State);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", Timeout);
        });
    }

    [Fact(Timeout = 60_000)]
    public async Task An_exposed_gateway_replaces_a_client_forwarded_chain_believes_trusted_proxies_and_drops_hop_by_hop_headers()
    {
        await using (var exposed = await Gateway.StartAsync("path", Timeout, "  listen: 0.0.0.0"))
        {
            await exposed.CheckAsync(async () =>
            {
                var headers = await RawGetAsync(exposed.Config.Nginx.Port, "X-Forwarded-For: 198.51.100.66\r\nKeep-Alive: timeout=99\r\nTE: trailers\r\nProxy-Connection: keep-alive\r\nUpgrade: h2c\r\n");
                Assert.Equal("127.0.0.1", headers.GetProperty("x-forwarded-for").GetString()); // the address nginx saw, not the client's claim
                foreach (var hop in new[] { "keep-alive", "te", "proxy-connection", "upgrade" })
                    Assert.False(headers.TryGetProperty(hop, out _), $"hop-by-hop header {hop} reached the backend");
            });
        }

        await using var behindProxy = await Gateway.StartAsync("path", Timeout, "  listen: 0.0.0.0\n  trusted_proxies: [127.0.0.1]");
        await behindProxy.CheckAsync(async () =>
        {
            var headers = await RawGetAsync(behindProxy.Config.Nginx.Port, "X-Forwarded-For: 203.0.113.9\r\n");
            Assert.Equal("203.0.113.9", headers.GetProperty("x-real-ip").GetString()); // the proxy in front is believed
            Assert.Equal("203.0.113.9", headers.GetProperty("x-forwarded-for").GetString());
        });
    }

    /// <summary>A GET written by hand, so headers HttpClient would not send reach nginx as given; returns the headers the backend saw.</summary>
    private static async Task<JsonElement> RawGetAsync(int port, string extraHeaders)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /api/v1/broker/headers HTTP/1.1\r\nHost: gateway\r\n{extraHeaders}Connection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 200", text);
        var body = text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        if (text.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)) body = Unchunk(body);
        return JsonDocument.Parse(body).RootElement.GetProperty("headers").Clone();
    }

    private static string Unchunk(string body)
    {
        var result = new StringBuilder();
        var position = 0;
        while (true)
        {
            var end = body.IndexOf("\r\n", position, StringComparison.Ordinal);
            var size = Convert.ToInt32(body[position..end], 16);
            if (size == 0) return result.ToString();
            result.Append(body, end + 2, size);
            position = end + 2 + size + 2;
        }
    }

    private static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> FromAddress(IPAddress local) => async (context, token) =>
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(local, 0));
            await socket.ConnectAsync(context.DnsEndPoint, token);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    };
}
