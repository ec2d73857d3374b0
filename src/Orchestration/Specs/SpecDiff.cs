using System.Text.Json.Nodes;

namespace Orchestration.Specs;

/// <summary>
/// What a client of the old document loses in the new one: an operation (method and path) gone, a
/// schema gone, a property of a schema gone; for AsyncAPI a channel, operation or message gone. Added
/// things and changed descriptions are not breaking. A pure function of the two documents.
/// </summary>
public static class SpecDiff
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    public static IReadOnlyList<string> Breaking(JsonObject old, JsonObject now)
    {
        var breaking = new List<string>();
        if (old["paths"] is JsonObject oldPaths)
        {
            foreach (var (path, item) in oldPaths)
            foreach (var method in Methods.Where(m => item?[m] is not null))
                if (now["paths"]?[path]?[method] is null)
                    breaking.Add($"operation removed: {method.ToUpperInvariant()} {path}");
        }
        foreach (var section in new[] { "channels", "operations" })
        {
            if (old[section] is not JsonObject items) continue;
            foreach (var (name, _) in items)
                if (now[section]?[name] is null) breaking.Add($"{section[..^1]} removed: {name}");
        }
        if (old["components"] is JsonObject components)
        {
            foreach (var (kind, map) in components)
            {
                if (map is not JsonObject items) continue;
                foreach (var (name, schema) in items)
                {
                    var current = now["components"]?[kind]?[name];
                    if (current is null)
                    {
                        breaking.Add($"{kind} removed: {name}");
                        continue;
                    }
                    if (kind != "schemas" || schema?["properties"] is not JsonObject properties) continue;
                    foreach (var (property, _) in properties)
                        if (current["properties"]?[property] is null) breaking.Add($"field removed: {name}.{property}");
                }
            }
        }
        return breaking;
    }
}
