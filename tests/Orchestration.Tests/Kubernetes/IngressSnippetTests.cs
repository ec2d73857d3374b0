using System.Net;
using Orchestration.Config;
using Orchestration.Kubernetes;
using Orchestration.Processes;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Kubernetes;

/// <summary>
/// The query_param Ingress's configuration snippet, in a real nginx laid out as ingress-nginx lays
/// out the Ingresses' paths (Exact → <c>location =</c>, Prefix → <c>location</c>): nginx's own
/// semantics of the snippet, not the controller (no cluster here).
/// </summary>
public sealed class IngressSnippetTests
{
    [Fact]
    public async Task The_snippet_routes_a_known_query_value_to_its_path_and_answers_any_other_with_400()
    {
        var config = Export.Config("prod-query");
        var snippet = IngressManifests.QuerySnippet(config);
        var port = PortProbe.PickFree();
        using var dir = new TempDir();
        var paths = new LocalPaths(Path.Combine(dir.Path, "local"));
        Directory.CreateDirectory(paths.Logs);
        var routes = string.Concat(config.WebSocketRoutes.Select(r => $$"""
                    location {{config.ApiBaseUrl}}/{{r.Route}}/ws { return 200 "{{r.Server}} $uri?$args"; }

            """));
        Orchestration.IO.AtomicFile.WriteAllText(paths.NginxConf, $$"""
            worker_processes 1;
            pid "{{paths.NginxPid}}";
            error_log "{{paths.NginxErrorLog}}" warn;
            events { worker_connections 64; }
            http {
                client_body_temp_path "{{paths.Temp}}/client_body";
                proxy_temp_path "{{paths.Temp}}/proxy";
                fastcgi_temp_path "{{paths.Temp}}/fastcgi";
                uwsgi_temp_path "{{paths.Temp}}/uwsgi";
                scgi_temp_path "{{paths.Temp}}/scgi";
                access_log off;
                server {
                    listen 127.0.0.1:{{port}};
                    location = {{config.ApiBaseUrl}}/ws {
            {{snippet}}
                        return 502 "the snippet did not route this request\n";
                    }
            {{routes}}
                }
            }
            """);
        Directory.CreateDirectory(paths.Temp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var nginx = await NginxProcess.StartAsync(paths, port, timeout.Token);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        async Task<(HttpStatusCode, string)> Get(string query)
        {
            using var response = await http.GetAsync($"/api/v1/ws{query}", timeout.Token);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(timeout.Token));
        }

        Assert.Equal((HttpStatusCode.OK, "datafeed /api/v1/datafeed/ws?type=datafeed"), await Get("?type=datafeed"));
        Assert.Equal((HttpStatusCode.OK, "broker /api/v1/broker/ws?type=broker&x=1"), await Get("?type=broker&x=1"));
        var reason = "unknown or missing query parameter 'type'; use one of: broker, datafeed\n";
        Assert.Equal((HttpStatusCode.BadRequest, reason), await Get("?type=orders"));
        Assert.Equal((HttpStatusCode.BadRequest, reason), await Get("?type=brokers"));
        Assert.Equal((HttpStatusCode.BadRequest, reason), await Get(""));
    }
}
