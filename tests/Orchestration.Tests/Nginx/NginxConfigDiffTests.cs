using Orchestration.Nginx;

namespace Orchestration.Tests.Nginx;

public sealed class NginxConfigDiffTests
{
    private const string Running = """
        # Generated
        events {
            worker_connections 1024;
        }
        http {
            upstream broker_backend {
                server 127.0.0.1:8001 max_fails=0;
                keepalive 32;
            }
            location /api/v1/broker/ {
                proxy_next_upstream_tries 2;
            }
            location /api/v1/datafeed/ {
                proxy_next_upstream_tries 2;
            }
        }
        """;

    [Fact]
    public void A_changed_value_reads_old_to_new_and_upstream_members_are_summarised()
    {
        var next = Running.Replace("worker_connections 1024", "worker_connections 2048")
            .Replace("server 127.0.0.1:8001 max_fails=0;", "server 127.0.0.1:8001 max_fails=0;\n        server 127.0.0.1:8002 max_fails=0;")
            .Replace("proxy_next_upstream_tries 2", "proxy_next_upstream_tries 4");

        Assert.Equal(["worker_connections 1024 → 2048", "proxy_next_upstream_tries 2 → 4 (×2)", "upstream servers follow the instances"],
            NginxConfigDiff.Between(Running, next));
    }

    [Fact]
    public void Added_and_removed_directives_are_marked_and_the_same_text_has_no_change()
    {
        var next = Running.Replace("    location /api/v1/datafeed/ {\n        proxy_next_upstream_tries 2;\n    }\n", "")
            .Replace("    keepalive 32;", "    keepalive 32;\n        keepalive_timeout 60s;");

        Assert.Equal(["+ keepalive_timeout 60s", "- location /api/v1/datafeed/", "- proxy_next_upstream_tries 2"], NginxConfigDiff.Between(Running, next));
        Assert.Empty(NginxConfigDiff.Between(Running, Running.Replace("# Generated", "# Generated again")));
    }
}
