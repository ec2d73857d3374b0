using Orchestration.Config;

namespace Orchestration.Specs;

/// <summary>Which server's document a module's spec is taken from: the one the gateway sends the module's requests to.</summary>
public sealed record ModuleOwner(string Module, string Server);

/// <summary>
/// What spec and client generation needs of a deployment, resolved from the validated config (the
/// supervisor gets it in its plan and never reads YAML).
/// </summary>
public sealed record SpecLayout
{
    /// <summary>The config file's name without extension (<c>dev-config</c>): titles, the C# namespace.</summary>
    public required string Name { get; init; }
    public required string ConfigFile { get; init; }
    public required string ApiBaseUrl { get; init; }

    /// <summary>Every module of the deployment in config order (core first), with the server it is read from.</summary>
    public required IReadOnlyList<ModuleOwner> Modules { get; init; }

    /// <summary>How the gateway routes WebSockets, for the AsyncAPI document's description.</summary>
    public required string WebSocketNote { get; init; }

    /// <summary>Absolute folder of the spec files.</summary>
    public required string Output { get; init; }

    /// <summary>Where the gateway reads the deployment-wide files when not <see cref="Output"/> (see <see cref="SpecServing"/>).</summary>
    public string? Served { get; init; }

    /// <summary>Absolute folder of the generated clients.</summary>
    public required string Clients { get; init; }

    /// <summary>The npm package folder with openapi-typescript (the repository's tools/clients); null: no TypeScript client.</summary>
    public string? ClientTools { get; init; }

    public static SpecLayout For(DeploymentConfig config, string? clientTools = null, string? served = null) => new()
    {
        Name = Path.GetFileNameWithoutExtension(config.ConfigPath),
        ConfigFile = Path.GetFileName(config.ConfigPath),
        ApiBaseUrl = config.ApiBaseUrl,
        Modules = config.Servers.SelectMany(s => s.Modules).Distinct(StringComparer.Ordinal)
            .Select(m => new ModuleOwner(m, config.ServerForModule(m)!.Name)).ToList(),
        WebSocketNote = config.WebSocket.RoutingStrategy == RoutingStrategy.Path
            ? "path strategy: connect to each channel's address"
            : $"query_param strategy: connect to {config.ApiBaseUrl}/ws?{config.WebSocket.QueryParamName}=<module>",
        Output = config.Specs.Output,
        Clients = config.Specs.Clients,
        ClientTools = clientTools,
        Served = served,
    };

    /// <summary>The servers whose documents are needed, in config order.</summary>
    public IEnumerable<string> Servers => Modules.Select(m => m.Server).Distinct(StringComparer.Ordinal);
}
