using System.Text.Json.Nodes;

namespace Orchestration.Specs;

/// <summary>What one server's instance says about its modules: its OpenAPI document and, when it streams, its AsyncAPI one.</summary>
public sealed record ServerDocuments(string Server, JsonObject OpenApi, JsonObject? AsyncApi);

/// <summary>
/// The spec files of a deployment, as text by path relative to <c>specs.output</c>:
/// <c>{module}/{version}/openapi.json</c> and <c>{module}/{version}/asyncapi.json</c> for each module
/// (from the server that serves it through the gateway), and the deployment-wide <c>openapi.json</c>,
/// <c>asyncapi.json</c> and <c>docs.html</c> the gateway serves.
/// </summary>
public sealed record SpecSet(IReadOnlyDictionary<string, string> Files, IReadOnlyList<string> Conflicts)
{
    public const string OpenApiFile = "openapi.json";
    public const string AsyncApiFile = "asyncapi.json";
    public const string DocsFile = "docs.html";

    /// <summary>Builds the set; <paramref name="documents"/> has one entry per server of <see cref="SpecLayout.Servers"/>.</summary>
    public static SpecSet Build(SpecLayout layout, IReadOnlyList<ServerDocuments> documents)
    {
        var version = SpecDocuments.Version(layout.ApiBaseUrl);
        var modules = layout.Modules.Select(m => m.Module).ToList();
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var openApis = new List<JsonObject>();
        var asyncApis = new List<JsonObject>();
        foreach (var (module, server) in layout.Modules)
        {
            var source = documents.Single(d => d.Server == server);
            var openApi = SpecDocuments.OpenApiModule(source.OpenApi, module, modules, layout.ApiBaseUrl);
            openApi = WithServers(openApi);
            files[$"{module}/{version}/{OpenApiFile}"] = SpecDocuments.Text(openApi);
            openApis.Add(openApi);
            if (source.AsyncApi is not null && SpecDocuments.AsyncApiModule(source.AsyncApi, module) is { } asyncApi)
            {
                files[$"{module}/{version}/{AsyncApiFile}"] = SpecDocuments.Text(asyncApi);
                asyncApis.Add(asyncApi);
            }
        }
        var name = layout.Name;
        var conflicts = new List<string>();
        var first = documents.FirstOrDefault()?.OpenApi;
        var openApiHeader = new JsonObject
        {
            ["openapi"] = first?["openapi"]?.DeepClone() ?? "3.1.1",
            ["info"] = new JsonObject
            {
                ["title"] = $"{name}: every module",
                ["description"] = $"Every module of the deployment {layout.ConfigFile}, through its gateway. Written by Orchestration; do not edit.",
                ["version"] = version,
            },
            ["servers"] = Servers(),
            ["paths"] = new JsonObject(),
        };
        files[OpenApiFile] = SpecDocuments.Text(SpecDocuments.Merge(openApis, openApiHeader, conflicts));
        var asyncApiHeader = new JsonObject
        {
            ["asyncapi"] = asyncApis.FirstOrDefault()?["asyncapi"]?.DeepClone() ?? "3.0.0",
            ["info"] = new JsonObject
            {
                ["title"] = $"{name}: every WebSocket",
                ["version"] = version,
                ["description"] = $"The WebSocket routes of the deployment {layout.ConfigFile}, through its gateway ({layout.WebSocketNote}). Written by Orchestration; do not edit.",
            },
            ["defaultContentType"] = "application/json",
            ["channels"] = new JsonObject(),
            ["operations"] = new JsonObject(),
        };
        files[AsyncApiFile] = SpecDocuments.Text(SpecDocuments.Merge(asyncApis, asyncApiHeader, conflicts));
        files[DocsFile] = DocsPage.Html(name);
        return new SpecSet(files, conflicts);
    }

    /// <summary>Paths carry the API base URL, so the gateway's root is the server.</summary>
    private static JsonArray Servers() => new((JsonNode)new JsonObject { ["url"] = "/", ["description"] = "the deployment's gateway" });

    private static JsonObject WithServers(JsonObject document)
    {
        var result = new JsonObject();
        foreach (var (key, value) in document)
        {
            result[key] = value?.DeepClone();
            if (key == "info") result["servers"] = Servers();
        }
        return result;
    }
}
