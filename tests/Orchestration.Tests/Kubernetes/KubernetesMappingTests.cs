using k8s.Models;
using Orchestration.Config;
using Orchestration.Kubernetes;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Kubernetes;

/// <summary>What each field of the deployment becomes on Kubernetes.</summary>
public sealed class KubernetesMappingTests
{
    private const string CommandServers = """
        api_base_url: /api/v2
        servers:
          broker:
            port: 8001
            modules: [core, broker]
          quotes:
            port: 9100
            instances: 3
            modules: [quotes]
            command: [./bin/quotes, --port, "{port}", --name, "{name}", --modules, "{modules}", --literal, "$(HOME)"]
            env: {LOG_LEVEL: info, GREETING: "costs $(PRICE)"}
        websocket_routes:
          quotes: quotes
        stop_timeout: 2.5
        """;

    [Fact]
    public void Every_server_is_a_deployment_with_its_instances_as_replicas_and_a_service_on_its_port()
    {
        var config = Export.Config("prod");
        var objects = Export.Objects(config);

        foreach (var server in config.Servers)
        {
            var deployment = Export.Single<V1Deployment>(objects, server.Name);
            Assert.Equal(2, deployment.Spec.Replicas);
            Assert.Equal(server.Instances, deployment.Spec.Replicas);
            Assert.Equal("0", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
            var port = Assert.Single(Export.Container(objects, server.Name).Ports);
            Assert.Equal(server.Port, port.ContainerPort);

            var service = Export.Single<V1Service>(objects, server.Name);
            var servicePort = Assert.Single(service.Spec.Ports);
            Assert.Equal(server.Port, servicePort.Port);
            Assert.Equal(port.Name, servicePort.TargetPort.Value);
            Assert.Equal(deployment.Spec.Selector.MatchLabels, service.Spec.Selector);
            Assert.All(service.Spec.Selector, kv => Assert.Equal(kv.Value, deployment.Spec.Template.Metadata.Labels[kv.Key]));

            var budget = Export.Single<V1PodDisruptionBudget>(objects, server.Name);
            Assert.Equal("1", budget.Spec.MaxUnavailable.Value);
            Assert.Equal(deployment.Spec.Selector.MatchLabels, budget.Spec.Selector.MatchLabels);
        }
        // One instance: a budget would block every drain or allow everything, so there is none.
        Assert.Empty(Export.Objects(Export.Config("dev")).OfType<V1PodDisruptionBudget>());
    }

    [Fact]
    public void A_container_gets_the_supervisors_environment_with_the_pod_name_as_instance_and_every_address_bound()
    {
        var config = Export.Config("dev");
        var env = Export.Container(Export.Objects(config), "broker").Env.ToDictionary(e => e.Name);
        var local = InstanceEnvironment.Local(config, config.Instances.First());

        Assert.Equal(local.Keys.Order(), env.Keys.Order());
        Assert.Equal("core,broker", env["ENABLED_MODULES"].Value);
        Assert.Equal("/api/v1", env["API_BASE_URL"].Value);
        Assert.Equal("8001", env["PORT"].Value);
        Assert.Equal("http://+:8001", env["ASPNETCORE_URLS"].Value);
        Assert.Null(env["INSTANCE_NAME"].Value);
        Assert.Equal("metadata.name", env["INSTANCE_NAME"].ValueFrom.FieldRef.FieldPath);
    }

    [Fact]
    public void Probes_check_every_module_start_within_the_health_budget_and_stopping_drains_for_stop_timeout()
    {
        var config = Export.Config("prod"); // health: 60 attempts × 0.5 s, timeout 2 s; stop_timeout 10
        var container = Export.Container(Export.Objects(config), "datafeed");

        Assert.Equal("/api/v1/core/health", container.StartupProbe.HttpGet.Path);
        Assert.Equal(30, container.StartupProbe.FailureThreshold);
        Assert.Equal(1, container.StartupProbe.PeriodSeconds);
        Assert.Equal("/api/v1/core/health", container.LivenessProbe.HttpGet.Path);
        var script = Assert.Single(container.ReadinessProbe.Exec.Command, c => c.Contains("/dev/tcp", StringComparison.Ordinal));
        Assert.Equal(["bash", "-c"], container.ReadinessProbe.Exec.Command.Take(2));
        Assert.Contains("'/api/v1/core/health' '/api/v1/datafeed/health'", script);
        Assert.Contains("/dev/tcp/127.0.0.1/8011", script);
        Assert.Equal(4, container.ReadinessProbe.TimeoutSeconds);

        Assert.Equal(ContainerSettings.PreStopSleepSeconds, container.Lifecycle.PreStop.Sleep.Seconds);
        var pod = Export.Single<V1Deployment>(Export.Objects(config), "datafeed").Spec.Template.Spec;
        Assert.Equal(ContainerSettings.PreStopSleepSeconds + 10, pod.TerminationGracePeriodSeconds);
        Assert.False(pod.EnableServiceLinks);
    }

    [Fact]
    public void A_server_with_one_module_is_probed_with_an_http_get()
    {
        using var dir = new TempDir();
        var config = Export.Load(dir, "servers:\n  api:\n    port: 8001\n");
        var probe = Export.Container(Export.Objects(config), "api").ReadinessProbe;

        Assert.Null(probe.Exec);
        Assert.Equal("/api/v1/core/health", probe.HttpGet.Path);
        Assert.Equal(ModuleProbes.PortName, probe.HttpGet.Port.Value);
    }

    [Fact]
    public void A_dotnet_server_runs_its_project_image_non_root_with_the_measured_memory_request()
    {
        var objects = Export.Objects(Export.Config("dev"));
        var container = Export.Container(objects, "broker");
        var pod = Export.Single<V1Deployment>(objects, "broker").Spec.Template.Spec;

        Assert.Equal("registry.example.com/team/tradingapi:test", container.Image);
        Assert.Null(container.Command); // the image's entrypoint runs the project
        Assert.Equal("80Mi", container.Resources.Requests["memory"].ToString());
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Contains(container.VolumeMounts, m => m.MountPath == "/tmp");
    }

    [Fact]
    public void A_command_server_is_a_container_running_its_command_for_the_server_port()
    {
        using var dir = new TempDir();
        var config = Export.Load(dir, CommandServers);
        var objects = Export.Objects(config);
        var container = Export.Container(objects, "quotes");
        var env = container.Env.ToDictionary(e => e.Name);

        Assert.Equal(3, Export.Single<V1Deployment>(objects, "quotes").Spec.Replicas);
        Assert.Equal("registry.example.com/team/quotes:test", container.Image);
        Assert.Equal(["./bin/quotes", "--port", "9100", "--name", "quotes", "--modules", "core,quotes", "--literal", "$$(HOME)"], container.Command);
        Assert.Equal("info", env["LOG_LEVEL"].Value);
        Assert.Equal("costs $$(PRICE)", env["GREETING"].Value); // Kubernetes would expand $(PRICE); $$ keeps it literal
        Assert.Equal("/api/v2", env["API_BASE_URL"].Value);
        Assert.Equal("'/api/v2/core/health' '/api/v2/quotes/health'", ModuleProbes.ReadinessScript(config, config.Servers[1]).Split("; do")[0]["for path in ".Length..]);
        Assert.Null(container.Resources); // nothing measured about an unknown program
        Assert.Null(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal(ContainerSettings.PreStopSleepSeconds + 3, Export.Single<V1Deployment>(objects, "quotes").Spec.Template.Spec.TerminationGracePeriodSeconds);
    }

    [Fact]
    public void Instance_placeholder_in_a_command_is_refused_naming_the_field_and_the_fix()
    {
        using var dir = new TempDir();
        var config = Export.Load(dir, "servers:\n  quotes:\n    port: 9100\n    modules: [quotes]\n    command: [app, \"--id={instance}\"]\n");

        var error = Assert.Throws<KubernetesExportException>(() => Export.Objects(config));

        var problem = Assert.Single(error.Problems);
        Assert.StartsWith("servers.quotes.command: {instance} has no value on Kubernetes", problem);
        Assert.Contains("Fix: drop {instance}", problem);
    }

    [Fact]
    public void Names_kubernetes_cannot_take_are_refused_all_at_once_with_the_value_and_a_fix()
    {
        using var dir = new TempDir();
        var config = Export.Load(dir, "servers:\n  my_api:\n    port: 8001\n  gateway:\n    port: 8002\n    modules: [core, broker]\n");

        var error = Assert.Throws<KubernetesExportException>(() => Export.Objects(config, Export.Options() with { Namespace = "Team_A" }));

        Assert.Equal(3, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.StartsWith("--namespace: 'Team_A' is not a namespace name.", StringComparison.Ordinal) && p.Contains("Fix:"));
        Assert.Contains(error.Problems, p => p.StartsWith("servers.my_api: 'my_api' cannot name a Kubernetes Deployment", StringComparison.Ordinal) && p.Contains("servers.my-api"));
        Assert.Contains(error.Problems, p => p.StartsWith("servers.gateway: the name 'gateway' is the gateway's", StringComparison.Ordinal));
        // With an Ingress there are no gateway objects, so the name is free.
        Assert.Single(Assert.Throws<KubernetesExportException>(() => Export.Objects(config, Export.Options(ClusterGateway.IngressNginx))).Problems);
    }

    [Fact]
    public void Only_ingress_nginx_is_a_known_ingress_controller()
    {
        Assert.Equal(ClusterGateway.Nginx, KubernetesExportOptions.ParseIngress(null));
        Assert.Equal(ClusterGateway.IngressNginx, KubernetesExportOptions.ParseIngress("nginx"));
        var error = Assert.Throws<KubernetesExportException>(() => KubernetesExportOptions.ParseIngress("traefik"));
        Assert.StartsWith("--ingress: 'traefik' is not a supported Ingress controller. Fix: use --ingress nginx", error.Message);
    }

    [Fact]
    public void Bad_command_line_values_are_listed_together_with_the_deployments_own_problems()
    {
        var (options, problems) = KubernetesExportOptions.From("Team_A", "traefik", "Foo/Bar", "v1");

        var all = problems.Concat(KubernetesNames.Problems(Export.Config("dev"), options)).ToList();

        Assert.Equal(3, all.Count);
        Assert.StartsWith("--ingress: 'traefik'", all[0]);
        Assert.StartsWith("--image-prefix: 'Foo/Bar' is not a registry and repository path. Fix:", all[1]);
        Assert.EndsWith("e.g. registry.example.com:5000/team.", all[1]);
        Assert.StartsWith("--namespace: 'Team_A'", all[2]);
    }

    [Theory]
    [MemberData(nameof(Export.Configs), MemberType = typeof(Export))]
    public void The_gateway_config_is_the_renderers_with_every_upstream_at_its_service_name(string name)
    {
        var config = Export.Config(name);
        var conf = Export.GatewayConf(Export.Objects(config));

        foreach (var server in config.Servers)
        {
            var upstream = NginxText.Lines(NginxText.RequiredBlock(conf, $"upstream {server.Name}_backend"));
            Assert.Equal([$"server {server.Name}:{server.Port};", "keepalive 32;"], upstream);
        }
        Assert.DoesNotContain("127.0.0.1", conf);
        Assert.Contains($"listen 0.0.0.0:{config.Nginx.Port};", conf);
        Assert.Contains("access_log \"/dev/stdout\" orchestration;", conf);
        Assert.Contains("error_log \"stderr\" warn;", conf);
        if (config.WebSocket.RoutingStrategy == RoutingStrategy.Path)
            Assert.Contains("proxy_pass http://datafeed_backend;", NginxText.RequiredBlock(conf, "location /api/v1/datafeed/ws"));
        else
            Assert.Contains("datafeed datafeed_backend;", NginxText.RequiredBlock(conf, "map $arg_type $orchestration_ws_upstream"));
    }

    [Fact]
    public void A_changed_gateway_config_changes_the_pod_template_so_the_gateway_rolls()
    {
        var dev = Export.Objects(Export.Config("dev"));
        var query = Export.Objects(Export.Config("dev-query"));

        string Hash(IEnumerable<k8s.IKubernetesObject> objects) =>
            Export.Single<V1Deployment>(objects, KubernetesNames.Gateway).Spec.Template.Metadata.Annotations[GatewayManifests.ConfigHashAnnotation];

        Assert.NotEqual(Hash(dev), Hash(query));
        Assert.Equal(Hash(dev), Hash(Export.Objects(Export.Config("dev"))));
        Assert.Equal(80, Assert.Single(Export.Single<V1Service>(dev, KubernetesNames.Gateway).Spec.Ports).Port);
    }

    [Fact]
    public void Ingress_routes_rest_per_module_and_websockets_with_long_timeouts_for_the_path_strategy()
    {
        var config = Export.Config("prod");
        var objects = Export.Objects(config, Export.Options(ClusterGateway.IngressNginx));

        Assert.Empty(objects.OfType<V1ConfigMap>());
        Assert.DoesNotContain(objects.OfType<V1Deployment>(), d => d.Metadata.Name == KubernetesNames.Gateway);
        var rest = Export.Single<V1Ingress>(objects, "api");
        Assert.Equal("nginx", rest.Spec.IngressClassName);
        Assert.Equal(
            ["/api/v1/core/ -> broker:8001", "/api/v1/broker/ -> broker:8001", "/api/v1/datafeed/ -> datafeed:8011"],
            Routes(rest));
        Assert.Equal("/api/v1/core/docs", rest.Metadata.Annotations["nginx.ingress.kubernetes.io/app-root"]);
        Assert.Equal("2", rest.Metadata.Annotations["nginx.ingress.kubernetes.io/proxy-next-upstream-tries"]);

        var ws = Export.Single<V1Ingress>(objects, "websockets");
        Assert.Equal(["/api/v1/broker/ws -> broker:8001", "/api/v1/datafeed/ws -> datafeed:8011"], Routes(ws));
        Assert.Equal("3600", ws.Metadata.Annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]);
        Assert.Equal("3600", ws.Metadata.Annotations["nginx.ingress.kubernetes.io/proxy-send-timeout"]);
        Assert.DoesNotContain(objects.OfType<V1Ingress>(), i => i.Metadata.Name == "websocket-query");
    }

    [Fact]
    public void Ingress_for_the_query_param_strategy_answers_unknown_routes_400_and_rewrites_known_ones_to_their_path()
    {
        var config = Export.Config("prod-query");
        var objects = Export.Objects(config, Export.Options(ClusterGateway.IngressNginx));

        var query = Export.Single<V1Ingress>(objects, "websocket-query");
        var path = Assert.Single(query.Spec.Rules.Single().Http.Paths);
        Assert.Equal(("/api/v1/ws", "Exact"), (path.Path, path.PathType));
        Assert.Equal("3600", query.Metadata.Annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]);
        var snippet = query.Metadata.Annotations["nginx.ingress.kubernetes.io/configuration-snippet"];
        Assert.Contains("if ($arg_type !~ \"^(broker|datafeed)$\")", snippet);
        Assert.Contains("return 400 \"unknown or missing query parameter 'type'; use one of: broker, datafeed\\n\";", snippet);
        Assert.Contains("rewrite ^ /api/v1/$arg_type/ws last;", snippet);
        // The rewritten path lands on the websockets Ingress, with its timeouts.
        Assert.Equal(["/api/v1/broker/ws -> broker:8001", "/api/v1/datafeed/ws -> datafeed:8011"], Routes(Export.Single<V1Ingress>(objects, "websockets")));
    }

    [Fact]
    public void Every_object_carries_the_recommended_labels_and_the_namespace()
    {
        var objects = Export.Objects(Export.Config("dev"));

        Assert.Equal(8, objects.Count);
        foreach (var o in objects.Cast<k8s.IKubernetesObject<V1ObjectMeta>>())
        {
            Assert.Equal("orchestration", o.Metadata.Labels[ObjectLabels.ManagedBy]);
            Assert.Equal("dev-config", o.Metadata.Labels[ObjectLabels.Instance]);
            Assert.Equal("test", o.Metadata.Labels[ObjectLabels.Version]);
            Assert.Equal(o is V1Namespace ? null : "orch-test", o.Metadata.NamespaceProperty);
        }
        Assert.Equal("orch-test", Export.Single<V1Namespace>(objects, "orch-test").Metadata.Name);
    }

    private static List<string> Routes(V1Ingress ingress) =>
        ingress.Spec.Rules.Single().Http.Paths.Select(p => $"{p.Path} -> {p.Backend.Service.Name}:{p.Backend.Service.Port.Number}").ToList();
}
