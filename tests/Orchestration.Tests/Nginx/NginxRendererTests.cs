using Orchestration.Config;
using Orchestration.Nginx;
using Orchestration.Tests.Config;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Nginx;

/// <summary>The guide's generator cases, on strings.</summary>
public sealed class NginxRendererTests
{
    private static string Render(string yaml, NginxRenderOptions? options = null) =>
        NginxConfigRenderer.Render(Yaml.Valid(yaml) with { LocalDir = "/l" }, options);

    private static readonly string[] ProxyHeaders =
    [
        "proxy_set_header Host $host;",
        "proxy_set_header X-Real-IP $remote_addr;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header X-Request-ID $orchestration_request_id;",
    ];

    [Fact]
    public void A_single_server_gets_one_upstream_with_keepalive()
    {
        var conf = Render("servers: {api: {port: 8001}}");
        Assert.Equal(["server 127.0.0.1:8001 max_fails=1 fail_timeout=5s;", "keepalive 32;"],
            NginxText.Lines(NginxText.RequiredBlock(conf, "upstream api_backend")));
        Assert.Single(conf.Split('\n'), l => l.TrimStart().StartsWith("upstream ", StringComparison.Ordinal));
    }

    [Fact]
    public void Watch_modes_spare_ports_are_backup_servers_and_every_request_may_try_them()
    {
        var conf = Render("servers: {api: {port: 8001, instances: 2, reload: true}}",
            new NginxRenderOptions { SparePorts = new Dictionary<string, int> { ["api-0"] = 41000, ["api-1"] = 41001 } });

        Assert.Equal(
            ["server 127.0.0.1:8001 max_fails=0;", "server 127.0.0.1:8002 max_fails=0;",
             "server 127.0.0.1:41000 backup max_fails=0;", "server 127.0.0.1:41001 backup max_fails=0;", "keepalive 32;"],
            NginxText.Lines(NginxText.RequiredBlock(conf, "upstream api_backend")));
        Assert.Contains("proxy_next_upstream_tries 4;", conf);
    }

    [Fact]
    public void Three_instances_are_three_upstream_servers_on_consecutive_ports()
    {
        var lines = NginxText.Lines(NginxText.RequiredBlock(Render("servers: {api: {port: 8001, instances: 3}}"), "upstream api_backend"));
        Assert.Equal(["127.0.0.1:8001", "127.0.0.1:8002", "127.0.0.1:8003"], lines.Where(l => l.StartsWith("server ")).Select(l => l.Split(' ')[1]));
    }

    [Fact]
    public void Two_servers_with_two_instances_each_get_their_own_upstreams()
    {
        var conf = Render("servers: {broker: {port: 8001, instances: 2, modules: [broker]}, datafeed: {port: 8011, instances: 2, modules: [datafeed]}}");
        Assert.Contains("server 127.0.0.1:8002 ", NginxText.RequiredBlock(conf, "upstream broker_backend"));
        Assert.DoesNotContain("8011", NginxText.RequiredBlock(conf, "upstream broker_backend"));
        Assert.Contains("server 127.0.0.1:8012 ", NginxText.RequiredBlock(conf, "upstream datafeed_backend"));
        Assert.Contains("proxy_next_upstream_tries 2;", NginxText.RequiredBlock(conf, "location /api/v1/datafeed/"));
    }

    [Fact]
    public void Every_module_gets_a_REST_location_with_proxy_headers_and_upstream_keepalive()
    {
        var conf = Render(Yaml.TwoServers);
        foreach (var (module, upstream) in new[] { ("core", "broker"), ("broker", "broker"), ("datafeed", "datafeed") })
        {
            var lines = NginxText.Lines(NginxText.RequiredBlock(conf, $"location /api/v1/{module}/"));
            Assert.Contains($"proxy_pass http://{upstream}_backend;", lines);
            Assert.Contains("proxy_http_version 1.1;", lines);
            Assert.Contains("proxy_set_header Connection \"\";", lines);
            Assert.All(ProxyHeaders, h => Assert.Contains(h, lines));
        }
        Assert.Contains("proxy_next_upstream error timeout http_502 http_503;", conf);
    }

    [Fact]
    public void Core_goes_to_the_first_server()
    {
        var conf = Render("servers: {zeta: {port: 8001, modules: [datafeed]}, alpha: {port: 8002, modules: [broker]}}");
        Assert.Contains("proxy_pass http://zeta_backend;", NginxText.RequiredBlock(conf, "location /api/v1/core/"));
    }

    [Fact]
    public void Path_strategy_has_a_websocket_location_per_route_and_no_query_map()
    {
        var conf = Render(Yaml.TwoServers);
        foreach (var module in new[] { "broker", "datafeed" })
        {
            var lines = NginxText.Lines(NginxText.RequiredBlock(conf, $"location /api/v1/{module}/ws"));
            Assert.Contains($"proxy_pass http://{module}_backend_ws;", lines); // its own upstream block: no REST keepalive connection is upgraded
            Assert.Contains("proxy_bind 127.0.0.2;", lines); // how the supervisor counts open WebSockets
            Assert.Contains("proxy_set_header Upgrade $http_upgrade;", lines);
            Assert.Contains("proxy_set_header Connection $connection_upgrade;", lines);
            Assert.Contains("proxy_read_timeout 3600s;", lines);
            Assert.Contains("proxy_send_timeout 3600s;", lines);
            Assert.All(ProxyHeaders, h => Assert.Contains(h, lines));
        }
        Assert.DoesNotContain("$arg_", conf);
        Assert.Null(NginxText.Block(conf, "location = /api/v1/ws"));
        Assert.Contains("map $http_upgrade $connection_upgrade", conf);
    }

    [Fact]
    public void Query_param_strategy_maps_the_parameter_to_upstream_and_route()
    {
        var conf = Render(Yaml.TwoServers + "\nwebsocket: {routing_strategy: query_param, query_param_name: kind}\n");
        Assert.Equal(["default \"\";", "broker broker_backend_ws;", "datafeed datafeed_backend_ws;"],
            NginxText.Lines(NginxText.RequiredBlock(conf, "map $arg_kind $orchestration_ws_upstream")));
        Assert.Equal(["default \"\";", "broker broker;", "datafeed datafeed;"],
            NginxText.Lines(NginxText.RequiredBlock(conf, "map $arg_kind $orchestration_ws_route")));
        var location = NginxText.RequiredBlock(conf, "location = /api/v1/ws");
        Assert.Contains("return 400 \"unknown or missing query parameter 'kind'; use one of: broker, datafeed\\n\";", location);
        Assert.Contains("rewrite ^ /api/v1/$orchestration_ws_route/ws break;", location);
        Assert.Contains("proxy_pass http://$orchestration_ws_upstream;", location);
        Assert.Contains("proxy_read_timeout 3600s;", location);
        Assert.Null(NginxText.Block(conf, "location /api/v1/broker/ws"));
    }

    [Theory]
    [InlineData("auto", "worker_processes auto;")]
    [InlineData("3", "worker_processes 3;")]
    public void Worker_processes_are_rendered_as_given(string value, string line)
    {
        Assert.Contains("\n" + line + "\n", Render($"nginx: {{worker_processes: {value}}}\nservers: {{a: {{port: 8001}}}}"));
    }

    [Fact]
    public void Worker_connections_and_listen_address_and_port_are_rendered()
    {
        var conf = Render("nginx: {port: 9090, listen: 0.0.0.0, worker_connections: 4096}\nservers: {a: {port: 8001}}");
        Assert.Equal(["worker_connections 4096;"], NginxText.Lines(NginxText.RequiredBlock(conf, "events")));
        Assert.Contains("listen 0.0.0.0:9090;", conf);
        Assert.Contains("listen [::1]:9090;", Render("nginx: {port: 9090, listen: \"::1\"}\nservers: {a: {port: 8001}}"));
    }

    [Fact]
    public void Every_runtime_path_is_under_local_dir()
    {
        var conf = Render("servers: {a: {port: 8001}}");
        Assert.Contains("pid \"/l/nginx.pid\";", conf);
        Assert.Contains("error_log \"/l/logs/nginx-error.log\" warn;", conf);
        Assert.Contains("access_log \"/l/logs/nginx-access.log\" orchestration buffer=64k flush=250ms;", conf);
        foreach (var kind in NginxDirectories.TempKinds) Assert.Contains($"{kind}_temp_path \"/l/temp/{kind}\";", conf);
        Assert.Contains("server_tokens off;", conf);
        Assert.Matches("log_format orchestration [^;]*\\$upstream_addr[^;]*\\$upstream_response_time", conf);
    }

    [Fact]
    public void The_root_redirects_to_the_core_docs_and_daemon_is_left_to_the_command_line()
    {
        var conf = Render("api_base_url: /gw\nservers: {a: {port: 8001}}");
        Assert.Equal(["return 302 /gw/core/docs;"], NginxText.Lines(NginxText.RequiredBlock(conf, "location = /")));
        Assert.DoesNotContain("daemon", conf.Split('\n').Where(l => !l.TrimStart().StartsWith('#')));
    }

    [Fact]
    public void The_user_directive_and_the_workers_temp_folders_follow_the_workers()
    {
        Assert.DoesNotContain("\nuser ", Render("servers: {a: {port: 8001}}"));
        var conf = Render("servers: {a: {port: 8001}}", new NginxRenderOptions { Workers = new NginxWorkers("www-data", "/var/tmp/orchestration-x/temp") });
        Assert.Contains("\nuser www-data;\n", conf);
        Assert.Contains("client_body_temp_path \"/var/tmp/orchestration-x/temp/client_body\";", conf);
    }

    [Fact]
    public void A_different_config_gives_a_different_file_and_the_same_config_the_same_bytes()
    {
        Assert.Equal(Render(Yaml.TwoServers), Render(Yaml.TwoServers));
        Assert.NotEqual(Render(Yaml.TwoServers), Render(Yaml.TwoServers.Replace("8002", "8003")));
    }
}
