using System.Text.Json.Nodes;
using Orchestration.Specs;
using Orchestration.Tests.Config;

namespace Orchestration.Tests.Specs;

/// <summary>Split, merge and diff on hand-written documents: no process, no file.</summary>
public sealed class SpecDocumentsTests
{
    private static JsonObject Instance(params string[] modules) => (JsonObject)JsonNode.Parse($$"""
        {
          "openapi": "3.1.1",
          "info": { "title": "TradingApi | v1", "version": "1.0.0" },
          "servers": [ { "url": "http://127.0.0.1:8001/" } ],
          "paths": {
            {{string.Join(",\n", modules.Select(m => $$"""
              "/api/v1/{{m}}/health": { "get": { "tags": ["{{m}}"], "operationId": "{{m}}_health", "responses": { "200": { "description": "OK",
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/HealthResponse" } } } } } } }
              """))}}
            {{(modules.Contains("broker") ? """
              ,"/api/v1/broker/orders": { "get": { "tags": ["broker"], "operationId": "broker_list_orders", "responses": { "200": { "description": "OK",
                "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Order" } } } } } } } }
              """ : "")}}
          },
          "components": { "schemas": {
            "HealthResponse": { "type": "object", "properties": { "status": { "type": "string" } } },
            "Order": { "type": "object", "properties": { "id": { "type": "string" }, "side": { "$ref": "#/components/schemas/OrderSide" } } },
            "OrderSide": { "enum": ["buy", "sell"] },
            "Unused": { "type": "object" }
          } },
          "tags": [ {{string.Join(",", modules.Select(m => $$"""{ "name": "{{m}}" }"""))}} ]
        }
        """)!;

    [Fact]
    public void A_module_document_has_its_paths_and_only_the_components_they_reach()
    {
        var broker = SpecDocuments.OpenApiModule(Instance("core", "broker"), "broker", ["core", "broker"], "/api/v1");
        Assert.Equal(["/api/v1/broker/health", "/api/v1/broker/orders"], broker["paths"]!.AsObject().Select(p => p.Key));
        // Order reaches OrderSide through its property: followed transitively.
        Assert.Equal(["HealthResponse", "Order", "OrderSide"], broker["components"]!["schemas"]!.AsObject().Select(p => p.Key));
        Assert.Null(broker["servers"]);
        Assert.Equal("broker", Assert.Single(broker["tags"]!.AsArray())!["name"]!.GetValue<string>());
        var core = SpecDocuments.OpenApiModule(Instance("core", "broker"), "core", ["core", "broker"], "/api/v1");
        Assert.Equal(["HealthResponse"], core["components"]!["schemas"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void The_deployment_document_has_every_module_whatever_server_hosts_it()
    {
        var layout = SpecLayout.For(Yaml.Valid(Yaml.TwoServers));
        var set = SpecSet.Build(layout,
        [
            new ServerDocuments("broker", Instance("core", "broker"), null),
            new ServerDocuments("datafeed", Instance("core", "datafeed"), null),
        ]);
        string[] expected = ["core/v1/openapi.json", "broker/v1/openapi.json", "datafeed/v1/openapi.json", "openapi.json", "asyncapi.json", "docs.html"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), set.Files.Keys.Order(StringComparer.Ordinal));
        var merged = JsonNode.Parse(set.Files["openapi.json"])!;
        Assert.Equal(["/api/v1/core/health", "/api/v1/broker/health", "/api/v1/broker/orders", "/api/v1/datafeed/health"],
            merged["paths"]!.AsObject().Select(p => p.Key));
        Assert.Empty(set.Conflicts);
        Assert.Equal("/", merged["servers"]![0]!["url"]!.GetValue<string>());
    }

    [Fact]
    public void Two_modules_defining_one_schema_differently_is_a_reported_conflict()
    {
        var a = (JsonObject)JsonNode.Parse("""{"paths":{},"components":{"schemas":{"X":{"type":"string"}}}}""")!;
        var b = (JsonObject)JsonNode.Parse("""{"paths":{},"components":{"schemas":{"X":{"type":"number"}}}}""")!;
        var conflicts = new List<string>();
        var merged = SpecDocuments.Merge([a, b], new JsonObject(), conflicts);
        Assert.Equal(["components.schemas.X"], conflicts);
        Assert.Equal("string", merged["components"]!["schemas"]!["X"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void Removed_operations_schemas_and_fields_are_breaking_and_additions_are_not()
    {
        var old = SpecDocuments.OpenApiModule(Instance("core", "broker"), "broker", ["core", "broker"], "/api/v1");
        var now = (JsonObject)old.DeepClone();
        now["paths"]!.AsObject().Remove("/api/v1/broker/orders");
        now["components"]!["schemas"]!["HealthResponse"]!["properties"]!.AsObject().Remove("status");
        now["components"]!["schemas"]!["HealthResponse"]!["properties"]!["added"] = new JsonObject { ["type"] = "string" };
        Assert.Equal(["operation removed: GET /api/v1/broker/orders", "field removed: HealthResponse.status"],
            SpecDiff.Breaking(old, now).Where(b => !b.Contains("Order")));
        Assert.DoesNotContain(SpecDiff.Breaking(now, old), b => b.StartsWith("operation", StringComparison.Ordinal));
    }

    [Fact]
    public void Files_are_rewritten_only_when_their_text_changed_and_a_module_gone_is_removed()
    {
        using var dir = new Support.TempDir();
        var layout = SpecLayout.For(Yaml.Valid(Yaml.TwoServers));
        var documents = new List<ServerDocuments>
        {
            new("broker", Instance("core", "broker"), null),
            new("datafeed", Instance("core", "datafeed"), null),
        };
        var set = SpecSet.Build(layout, documents);
        Assert.Equal(set.Files.Count, SpecFiles.Write(dir.Path, set).Count);
        var file = Path.Combine(dir.Path, "broker", "v1", "openapi.json");
        var written = File.GetLastWriteTimeUtc(file);
        File.SetLastWriteTimeUtc(file, written.AddHours(-1));
        Assert.Empty(SpecFiles.Write(dir.Path, set));
        Assert.Equal(written.AddHours(-1), File.GetLastWriteTimeUtc(file));

        Directory.CreateDirectory(Path.Combine(dir.Path, "gone", "v1"));
        File.WriteAllText(Path.Combine(dir.Path, "gone", "v1", "openapi.json"), """{"paths":{"/api/v1/gone/x":{"get":{}}}}""");
        var changes = SpecFiles.Compare(dir.Path, set);
        Assert.Equal(new SpecChange("gone/v1/openapi.json", "removed"), Assert.Single(changes));
        Assert.Equal(["gone/v1/openapi.json: operation removed: GET /api/v1/gone/x"], SpecFiles.Breaking(dir.Path, set, changes));
    }

    [Theory]
    [InlineData("/api/v1", "v1", "/api")]
    [InlineData("/api/v2", "v2", "/api")]
    [InlineData("/api", "v1", "/api")]
    [InlineData("/trading/api/v3", "v3", "/trading/api")]
    public void Version_and_deployment_root_come_from_the_base_url(string baseUrl, string version, string root)
    {
        Assert.Equal(version, SpecDocuments.Version(baseUrl));
        Assert.Equal(root, SpecDocuments.DeploymentRoot(baseUrl));
    }
}
