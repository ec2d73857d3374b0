using CliWrap;
using CliWrap.Buffered;
using Orchestration.Kubernetes;
using Orchestration.Processes;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Kubernetes;

/// <summary>
/// The gateway ConfigMap's nginx.conf passes the real <c>nginx -t</c> as the pod would run it, where
/// the Service names resolve. The resolver stub: nginx -t runs in a private mount namespace
/// (<c>unshare --mount</c>) whose /etc/hosts maps each Service name to 127.0.0.1 and whose
/// /etc/resolv.conf points at a closed port, so no name resolves but through the stub; /tmp is the
/// pod's emptyDir (a test folder). Nothing of the machine's own files changes.
/// </summary>
public sealed class GatewayNginxTests
{
    [Theory]
    [MemberData(nameof(Export.Configs), MemberType = typeof(Export))]
    public async Task The_gateway_config_passes_nginx_t_when_the_service_names_resolve(string name)
    {
        var config = Export.Config(name);
        var conf = Export.GatewayConf(Export.Objects(config));

        var result = await NginxTestInPodViewAsync(conf, config.Servers.Select(s => s.Name));

        Assert.True(result.ExitCode == 0, $"nginx -t failed (exit {result.ExitCode}):\n{result.StandardError}\n{conf}");
    }

    [Fact]
    public async Task Without_the_service_names_nginx_t_fails_so_the_stub_is_what_resolves_them()
    {
        var config = Export.Config("dev");
        var conf = Export.GatewayConf(Export.Objects(config));

        var result = await NginxTestInPodViewAsync(conf, ["broker"]); // datafeed left out

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("host not found in upstream \"datafeed:8002\"", result.StandardError);
    }

    private static async Task<BufferedCommandResult> NginxTestInPodViewAsync(string conf, IEnumerable<string> resolvable)
    {
        using var dir = new TempDir();
        var hosts = dir.Write("hosts", "127.0.0.1 localhost\n" + string.Concat(resolvable.Select(n => $"127.0.0.1 {n}\n")));
        var resolv = dir.Write("resolv.conf", "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
        var tmp = Path.Combine(dir.Path, "tmp");
        Directory.CreateDirectory(tmp);
        File.WriteAllText(Path.Combine(tmp, GatewayManifests.ConfigFile), conf);
        // After /tmp is replaced the config is at the pod's path for it; nginx takes the pod's flags.
        const string script = """
            set -e
            mount --bind "$1" /etc/hosts
            mount --bind "$2" /etc/resolv.conf
            mount --bind "$3" /tmp
            exec "$4" -t -c /tmp/nginx.conf -p /tmp/ -e stderr
            """;
        string[] unshare = Posix.IsRoot ? ["--mount"] : ["--map-root-user", "--mount"];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            return await Cli.Wrap("unshare").WithArguments([.. unshare, "--", "sh", "-c", script, "sh", hosts, resolv, tmp, TestNginx.Binary])
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(timeout.Token);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"unshare (util-linux) is needed to give nginx -t a private /etc/hosts: {ex.Message}", ex);
        }
    }
}
