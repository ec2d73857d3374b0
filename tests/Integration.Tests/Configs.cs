namespace Integration.Tests;

/// <summary>Deployment files the tests start, on ports picked at run time.</summary>
public static class Configs
{
    /// <summary>The guide's default layout: broker (core+broker) and datafeed (core+datafeed) behind the gateway.</summary>
    public static string Default(TestPorts p, int brokerInstances = 1, string strategy = "path") => $"""
        api_base_url: "/api/v1"
        nginx:
          port: {p.Gateway}
        servers:
          broker:
            port: {p[1]}
            instances: {brokerInstances}
            modules: [core, broker]
            reload: false
          datafeed:
            port: {p[2]}
            instances: 1
            modules: [core, datafeed]
            reload: false
        websocket:
          routing_strategy: {strategy}
          query_param_name: type
        websocket_routes:
          broker: broker
          datafeed: datafeed
        stop_timeout: 2
        """;

    /// <summary>One server running an arbitrary command (sh), for crash and misbehaviour cases.</summary>
    public static string Command(TestPorts p, string script, int attempts = 20) => $"""
        nginx:
          port: {p.Gateway}
        servers:
          crashy:
            port: {p[1]}
            modules: [core]
            reload: false
            command: ["/bin/sh", "-c", "{script.Replace("\"", "\\\"")}"]
        health:
          attempts: {attempts}
          interval: 0.25
          timeout: 1
        """;
}
