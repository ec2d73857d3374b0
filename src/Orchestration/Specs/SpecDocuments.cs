using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Orchestration.Specs;

/// <summary>
/// Pure operations on OpenAPI and AsyncAPI documents as JSON trees: one module's part of an
/// instance's document (its paths or channel and only the components they reference), the
/// deployment-wide merge of the modules' parts, and the one text form every file is written in.
/// </summary>
public static partial class SpecDocuments
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The text written to disk: indented, members in document order, a final newline.</summary>
    public static string Text(JsonNode document) => document.ToJsonString(Indented) + "\n";

    /// <summary>The version segment of an API base URL (<c>/api/v1</c> → v1); v1 when it has none.</summary>
    public static string Version(string apiBaseUrl) =>
        apiBaseUrl.Split('/', StringSplitOptions.RemoveEmptyEntries) is [.., var last] && VersionSegment().IsMatch(last) ? last : "v1";

    /// <summary>Where the deployment-wide documents are served: the base URL without its version (<c>/api/v1</c> → <c>/api</c>).</summary>
    public static string DeploymentRoot(string apiBaseUrl)
    {
        var segments = apiBaseUrl.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length > 1 && VersionSegment().IsMatch(segments[^1]) ? "/" + string.Join('/', segments[..^1]) : apiBaseUrl;
    }

    [GeneratedRegex("^v[0-9]+$")]
    private static partial Regex VersionSegment();

    /// <summary>
    /// One module's OpenAPI document out of an instance's: the paths under <c>{base}/{module}/</c> (a
    /// path under no module of <paramref name="modules"/> goes to core), every component they reference,
    /// and the tags they use. <c>servers</c> is dropped: an instance fills it from the request it answered.
    /// </summary>
    public static JsonObject OpenApiModule(JsonObject instance, string module, IReadOnlyList<string> modules, string apiBaseUrl)
    {
        var paths = new JsonObject();
        if (instance["paths"] is JsonObject all)
        {
            foreach (var (path, item) in all)
            {
                var owner = modules.FirstOrDefault(m => path == $"{apiBaseUrl}/{m}" || path.StartsWith($"{apiBaseUrl}/{m}/", StringComparison.Ordinal)) ?? "core";
                if (owner == module) paths[path] = item!.DeepClone();
            }
        }
        var document = new JsonObject();
        foreach (var (key, value) in instance)
        {
            if (key is "servers" or "components" or "tags") continue;
            document[key] = key == "paths" ? paths : value?.DeepClone();
        }
        if (!document.ContainsKey("paths")) document["paths"] = paths;
        if (instance["info"] is JsonObject info)
        {
            var copy = (JsonObject)info.DeepClone();
            copy["title"] = $"{info["title"]?.GetValue<string>() ?? "API"} — {module}";
            document["info"] = copy;
        }
        var components = Referenced(instance, paths);
        if (components.Count > 0) document["components"] = components;
        var used = paths.SelectMany(p => (p.Value as JsonObject ?? []).Select(o => o.Value?["tags"] as JsonArray))
            .Where(t => t is not null).SelectMany(t => t!).Select(t => t?.GetValue<string>()).ToHashSet();
        if (instance["tags"] is JsonArray tags)
        {
            var kept = new JsonArray(tags.Where(t => used.Contains(t?["name"]?.GetValue<string>())).Select(t => t!.DeepClone()).ToArray());
            if (kept.Count > 0) document["tags"] = kept;
        }
        return document;
    }

    /// <summary>
    /// One module's AsyncAPI document: the channel named after the module, the operations on it and
    /// the components they reference; null when the module has no WebSocket.
    /// </summary>
    public static JsonObject? AsyncApiModule(JsonObject instance, string module)
    {
        if (instance["channels"]?[module] is not JsonObject channel) return null;
        var operations = new JsonObject();
        if (instance["operations"] is JsonObject all)
        {
            foreach (var (name, operation) in all)
                if (operation?["channel"]?["$ref"]?.GetValue<string>() == $"#/channels/{module}") operations[name] = operation.DeepClone();
        }
        var channels = new JsonObject { [module] = channel.DeepClone() };
        var document = new JsonObject();
        foreach (var (key, value) in instance)
        {
            document[key] = key switch
            {
                "channels" => channels,
                "operations" => operations,
                "components" => null,
                _ => value?.DeepClone(),
            };
        }
        document.Remove("components");
        if (instance["info"] is JsonObject info)
        {
            var copy = (JsonObject)info.DeepClone();
            copy["title"] = $"{info["title"]?.GetValue<string>() ?? "API"} — {module}";
            document["info"] = copy;
        }
        var components = Referenced(instance, new JsonArray(channels.DeepClone(), operations.DeepClone()));
        if (components.Count > 0) document["components"] = components;
        return document;
    }

    /// <summary>
    /// Every module's document in one (paths, channels, operations, components, tags), in the order
    /// given. A component two modules define differently keeps the first definition and is reported
    /// in <paramref name="conflicts"/>.
    /// </summary>
    public static JsonObject Merge(IReadOnlyList<JsonObject> documents, JsonObject header, List<string> conflicts)
    {
        var merged = (JsonObject)header.DeepClone();
        foreach (var document in documents)
        {
            foreach (var section in new[] { "paths", "channels", "operations" })
            {
                if (document[section] is not JsonObject part) continue;
                var target = merged[section] as JsonObject ?? (JsonObject)(merged[section] = new JsonObject());
                foreach (var (key, value) in part)
                    if (!target.ContainsKey(key)) target[key] = value?.DeepClone();
                    else if (!JsonNode.DeepEquals(target[key], value)) conflicts.Add($"{section}.{key}");
            }
            if (document["components"] is JsonObject components)
            {
                var target = merged["components"] as JsonObject ?? (JsonObject)(merged["components"] = new JsonObject());
                foreach (var (kind, items) in components)
                {
                    if (items is not JsonObject map) continue;
                    var into = target[kind] as JsonObject ?? (JsonObject)(target[kind] = new JsonObject());
                    foreach (var (name, value) in map)
                        if (!into.ContainsKey(name)) into[name] = value?.DeepClone();
                        else if (!JsonNode.DeepEquals(into[name], value)) conflicts.Add($"components.{kind}.{name}");
                }
            }
            if (document["tags"] is JsonArray tags)
            {
                var target = merged["tags"] as JsonArray ?? (JsonArray)(merged["tags"] = new JsonArray());
                foreach (var tag in tags)
                    if (!target.Any(t => t?["name"]?.GetValue<string>() == tag?["name"]?.GetValue<string>())) target.Add(tag?.DeepClone());
            }
        }
        if (merged["components"] is JsonObject all)
            foreach (var (_, map) in all) Sort((JsonObject)map!);
        return merged;
    }

    /// <summary>The components <paramref name="from"/> references, followed transitively, as a components object.</summary>
    private static JsonObject Referenced(JsonObject document, JsonNode from)
    {
        var components = new JsonObject();
        var pending = new Queue<string>(Refs(from));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryDequeue(out var reference))
        {
            if (!seen.Add(reference)) continue;
            var parts = reference.Split('/');
            if (parts is not ["#", "components", var kind, var name, ..]) continue;
            name = name.Replace("~1", "/").Replace("~0", "~");
            if (document["components"]?[kind]?[name] is not { } found) continue;
            var map = components[kind] as JsonObject ?? (JsonObject)(components[kind] = new JsonObject());
            if (map.ContainsKey(name)) continue;
            map[name] = found.DeepClone();
            foreach (var next in Refs(found)) pending.Enqueue(next);
        }
        foreach (var (_, map) in components) Sort((JsonObject)map!);
        return components;
    }

    private static IEnumerable<string> Refs(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "$ref" && value is JsonValue v && v.TryGetValue<string>(out var r)) yield return r;
                    else foreach (var inner in Refs(value)) yield return inner;
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                foreach (var inner in Refs(item)) yield return inner;
                break;
        }
    }

    private static void Sort(JsonObject map)
    {
        var items = map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, Value: p.Value)).ToList();
        map.Clear();
        foreach (var (key, value) in items) map[key] = value;
    }
}
