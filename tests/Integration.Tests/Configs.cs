namespace Integration.Tests;

/// <summary>Deployment files the tests start, on ports picked at run time.</summary>
public static class Configs
{
    /// <summary>
    /// The guide's default layout: broker (core+broker) and datafeed (core+datafeed) behind the gateway.
    /// JIT unless asked: these tests are about the manager, and NativeAotTests covers the native binary
    /// (publish: auto would run it, and the first Start of a run would pay the AOT compile).
    /// </summary>
    public static string Default(TestPorts p, int brokerInstances = 1, string strategy = "path", string publish = "jit", bool socketHandOff = false) => $"""
        api_base_url: "/api/v1"
        nginx:
          port: {p.Gateway}
        servers:
          broker:
            port: {p[1]}
            instances: {brokerInstances}
            modules: [core, broker]
            reload: false
            publish: {publish}
            socket_handoff: {(socketHandOff ? "true" : "false")}
          datafeed:
            port: {p[2]}
            instances: 1
            modules: [core, datafeed]
            reload: false
            publish: {publish}
            socket_handoff: {(socketHandOff ? "true" : "false")}
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

    /// <summary>The test backend in Assets/health_app.py (answers 200 to every GET).</summary>
    public static string HealthApp => Path.Combine(AppContext.BaseDirectory, "Assets", "health_app.py");

    /// <summary>
    /// One command server: <paramref name="script"/> runs in sh in the config's folder and should end
    /// by exec'ing <c>$APP</c> (python3 running the test backend) on its port; <paramref name="extra"/>
    /// adds top-level YAML (a restart: section, say).
    /// </summary>
    public static string Python(TestPorts p, string script, string extra = "", string reload = "false") => $"""
        nginx:
          port: {p.Gateway}
        servers:
          app:
            port: {p[1]}
            modules: [core]
            reload: {reload}
            command: ["/bin/sh", "-c", "APP='/usr/bin/python3 {HealthApp} {"{port}"}'; {script.Replace("\"", "\\\"")}"]
        health:
          attempts: 40
          interval: 0.25
          timeout: 1
        stop_timeout: 2
        {extra}
        """;
}
