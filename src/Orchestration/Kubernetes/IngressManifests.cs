using System.Globalization;
using k8s;
using k8s.Models;
using Orchestration.Config;
using Orchestration.Nginx;

namespace Orchestration.Kubernetes;

/// <summary>
/// The gateway's routes as Ingresses for the ingress-nginx controller (<c>--ingress nginx</c>); the
/// annotations of an Ingress apply to all its paths, so the routes are split by what they need:
/// <list type="bullet">
/// <item><c>api</c>: REST, <c>&lt;base&gt;/&lt;module&gt;/</c> to the server hosting the module (core: the first server),
/// the gateway's retries and body size, <c>/</c> redirected to the docs;</item>
/// <item><c>websockets</c>: <c>&lt;base&gt;/&lt;route&gt;/ws</c> to the route's server with the gateway's
/// one-hour read and send timeouts (ingress-nginx passes the Upgrade handshake on every route);</item>
/// <item><c>websocket-query</c> (query_param strategy only): <c>&lt;base&gt;/ws?&lt;param&gt;=&lt;route&gt;</c>. No
/// Ingress field matches on a query parameter, so a configuration snippet answers an unknown or
/// missing route with the gateway's 400 and rewrites a known one to <c>&lt;base&gt;/&lt;route&gt;/ws</c>, which
/// nginx then routes anew (<c>last</c>) through the <c>websockets</c> Ingress. Snippets must be allowed by
/// the controller (see docs/deploy.md).</item>
/// </list>
/// </summary>
public static class IngressManifests
{
    public const string Component = "gateway";
    public const string ClassName = "nginx";
    public const string Prefix = "nginx.ingress.kubernetes.io/";

    /// <summary>The gateway's WebSocket read and send timeout (nginx.conf.sbn: 3600 s).</summary>
    public const string WebSocketTimeoutSeconds = "3600";

    public static IReadOnlyList<IKubernetesObject> For(DeploymentConfig config, ObjectLabels labels)
    {
        var objects = new List<IKubernetesObject> { Rest(config, labels) };
        if (config.WebSocketRoutes.Count == 0) return objects;
        objects.Add(WebSockets(config, labels));
        if (config.WebSocket.RoutingStrategy == RoutingStrategy.QueryParam) objects.Add(QueryRoute(config, labels));
        return objects;
    }

    public static V1Ingress Rest(DeploymentConfig config, ObjectLabels labels)
    {
        var modules = config.Servers.SelectMany(s => s.Modules).Distinct(StringComparer.Ordinal);
        var paths = modules.Select(m => Path($"{config.ApiBaseUrl}/{m}/", "Prefix", config.ServerForModule(m) ?? config.Servers[0]));
        var tries = config.Servers.Max(s => s.Instances).ToString(CultureInfo.InvariantCulture);
        return Ingress("api", config, labels, paths, new Dictionary<string, string>
        {
            [Prefix + "app-root"] = $"{config.ApiBaseUrl}/{ModuleNames.Core}/docs",
            [Prefix + "proxy-body-size"] = $"{Math.Max(1, (long)Math.Ceiling(config.Nginx.MaxBodyMb * 1024)).ToString(CultureInfo.InvariantCulture)}k",
            [Prefix + "proxy-connect-timeout"] = "5",
            [Prefix + "proxy-next-upstream"] = "error timeout http_502 http_503",
            [Prefix + "proxy-next-upstream-tries"] = tries,
        });
    }

    public static V1Ingress WebSockets(DeploymentConfig config, ObjectLabels labels) =>
        Ingress("websockets", config, labels,
            config.WebSocketRoutes.Select(r => Path($"{config.ApiBaseUrl}/{r.Route}/ws", "Prefix", Server(config, r.Server))),
            WebSocketAnnotations());

    public static V1Ingress QueryRoute(DeploymentConfig config, ObjectLabels labels)
    {
        var annotations = WebSocketAnnotations();
        annotations[Prefix + "configuration-snippet"] = QuerySnippet(config);
        // The snippet routes every request before it would be proxied; the backend only has to exist.
        var anyRoute = Server(config, config.WebSocketRoutes[0].Server);
        return Ingress("websocket-query", config, labels, [Path($"{config.ApiBaseUrl}/ws", "Exact", anyRoute)], annotations);
    }

    /// <summary>nginx lines for the query_param location: 400 for an unknown or missing route, else a rewrite to the route's path.</summary>
    public static string QuerySnippet(DeploymentConfig config)
    {
        var param = config.WebSocket.QueryParamName;
        var routes = string.Join('|', config.WebSocketRoutes.Select(r => r.Route));
        return $"if ($arg_{param} !~ \"^({routes})$\") {{\n" +
               $"    return 400 \"{NginxConfigRenderer.UnknownRouteReason(config)}\\n\";\n" +
               "}\n" +
               $"rewrite ^ {config.ApiBaseUrl}/$arg_{param}/ws last;\n";
    }

    private static Dictionary<string, string> WebSocketAnnotations() => new()
    {
        [Prefix + "proxy-read-timeout"] = WebSocketTimeoutSeconds,
        [Prefix + "proxy-send-timeout"] = WebSocketTimeoutSeconds,
        [Prefix + "proxy-buffering"] = "off",
    };

    private static V1Ingress Ingress(string name, DeploymentConfig config, ObjectLabels labels, IEnumerable<V1HTTPIngressPath> paths, Dictionary<string, string> annotations) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "Ingress",
        Metadata = labels.Metadata(name, KubernetesNames.Gateway, Component, annotations),
        Spec = new V1IngressSpec
        {
            IngressClassName = ClassName,
            Tls = config.Nginx.Tls is null ? null : [new V1IngressTLS { SecretName = KubernetesNames.GatewayTlsSecret }],
            Rules = [new V1IngressRule { Http = new V1HTTPIngressRuleValue { Paths = paths.ToList() } }],
        },
    };

    private static V1HTTPIngressPath Path(string path, string type, ServerConfig server) => new()
    {
        Path = path,
        PathType = type,
        Backend = new V1IngressBackend
        {
            Service = new V1IngressServiceBackend { Name = server.Name, Port = new V1ServiceBackendPort { Number = server.Port } },
        },
    };

    private static ServerConfig Server(DeploymentConfig config, string name) =>
        config.Servers.First(s => s.Name == name);
}
