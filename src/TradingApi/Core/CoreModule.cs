using System.Reflection;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using TradingApi.Hosting;
using TradingApi.WebSockets;

namespace TradingApi.Core;

/// <summary>Always on: health (mapped by the host), version, versions, OpenAPI and a docs page.</summary>
public sealed class CoreModule : IModule
{
    private static readonly string AppVersion =
        typeof(CoreModule).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? "0.0.0";

    public string Name => ModuleCatalog.CoreName;

    public string Description => "Health, version information, OpenAPI and AsyncAPI documents and docs page";

    public void MapEndpoints(RouteGroupBuilder group)
    {
        group.MapGet("/version", (ApiSettings settings) => new VersionResponse(
                settings.ApiVersion, AppVersion, System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
                settings.InstanceName, settings.Modules))
            .WithName("core_version")
            .WithSummary("Version of the API and of this build");

        group.MapGet("/versions", (ApiSettings settings) => new VersionsResponse(
                settings.ApiVersion,
                [new ApiVersionInfo(settings.ApiVersion, settings.BaseUrl, "stable")],
                settings.Modules.Select(m => new ModuleInfo(m, ModuleCatalog.Get(m).Description)).ToArray()))
            .WithName("core_versions")
            .WithSummary("API versions served and the modules enabled on this instance");

        group.MapOpenApiOnFirstRequest("/openapi.json");

        group.MapGet("/asyncapi.json", (ApiSettings settings, IServiceProvider services, IOptions<JsonOptions> json) =>
                Results.Text(AsyncApiDocument.Build(settings, services, json.Value.SerializerOptions).ToJsonString(), "application/json"))
            .WithName("core_asyncapi")
            .ExcludeFromDescription();

        group.MapGet("/docs", () => Results.Content(DocsPage.Html, "text/html; charset=utf-8"))
            .WithName("core_docs")
            .WithSummary("HTML page listing the endpoints of the OpenAPI document")
            .ExcludeFromDescription();
    }
}

public sealed record VersionResponse(string ApiVersion, string AppVersion, string Runtime, string Instance, IReadOnlyList<string> Modules);

public sealed record ApiVersionInfo(string Version, string BaseUrl, string Status);

public sealed record ModuleInfo(string Name, string Description);

public sealed record VersionsResponse(string Current, IReadOnlyList<ApiVersionInfo> Versions, IReadOnlyList<ModuleInfo> Modules);
