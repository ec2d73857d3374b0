using System.Text;
using System.Text.Json;
using BuildGraph.Graph;
using BuildGraph.Parameters;

namespace BuildGraph.Reporting;

/// <summary>
/// <c>.nuke/build.schema.json</c>: a JSON schema of the parameters and target names, so editors complete
/// <c>.nuke/parameters.json</c>. Written only when its content changes.
/// </summary>
internal static class SchemaWriter
{
    public static string Render(TargetGraph graph, IReadOnlyList<ParameterDescriptor> parameters)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("$schema", "http://json-schema.org/draft-04/schema#");
            json.WriteString("title", "Build Schema");
            json.WriteString("type", "object");
            json.WriteStartObject("properties");
            json.WriteStartObject("$schema");
            json.WriteString("type", "string");
            json.WriteEndObject();
            foreach (var parameter in parameters)
            {
                json.WriteStartObject(parameter.Name);
                WriteType(json, parameter.Type);
                if (parameter.Description is not null)
                    json.WriteString("description", parameter.Description);
                json.WriteEndObject();
            }

            var targets = graph.Targets.Select(t => t.Name).ToArray();
            WriteTargetList(json, "Target", "Targets to run", targets);
            WriteTargetList(json, "Skip", "Targets to skip", targets);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()).Replace("\r\n", "\n") + "\n";
    }

    /// <summary>Writes the file when its content differs; returns whether it wrote.</summary>
    public static bool WriteIfChanged(string path, string content)
    {
        if (File.Exists(path) && File.ReadAllText(path) == content)
            return false;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return true;
    }

    private static void WriteTargetList(Utf8JsonWriter json, string name, string description, string[] targets)
    {
        json.WriteStartObject(name);
        json.WriteString("type", "array");
        json.WriteString("description", description);
        json.WriteStartObject("items");
        json.WriteString("type", "string");
        WriteEnum(json, targets);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteType(Utf8JsonWriter json, Type type)
    {
        if (type.IsArray)
        {
            json.WriteString("type", "array");
            json.WriteStartObject("items");
            WriteType(json, type.GetElementType()!);
            json.WriteEndObject();
            return;
        }

        type = Nullable.GetUnderlyingType(type) ?? type;
        json.WriteString("type", type switch
        {
            _ when type == typeof(int) || type == typeof(long) => "integer",
            _ when type == typeof(double) => "number",
            _ when type == typeof(bool) => "boolean",
            _ => "string",
        });
        if (type.IsEnum)
            WriteEnum(json, Enum.GetNames(type));
    }

    private static void WriteEnum(Utf8JsonWriter json, string[] values)
    {
        json.WriteStartArray("enum");
        foreach (var value in values)
            json.WriteStringValue(value);
        json.WriteEndArray();
    }
}
