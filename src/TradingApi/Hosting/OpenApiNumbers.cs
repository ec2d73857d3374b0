using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace TradingApi.Hosting;

/// <summary>
/// Two corrections to the generated schemas, so typed clients get the API as it behaves. The web JSON
/// defaults read numbers from strings too, so every number's schema is <c>type: [number, string]</c>
/// with a digits pattern (clients would see <c>number | string</c>); the API writes numbers, so the
/// document says number. And a nullable member is optional: nulls are omitted when written and a
/// missing member reads as null (<c>type</c> of an order defaults to market), so it is not required.
/// </summary>
internal static class OpenApiNumbers
{
    public static Task DescribeAsNumbers(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.String) &&
            (type.HasFlag(JsonSchemaType.Number) || type.HasFlag(JsonSchemaType.Integer)))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
        if (schema.Required is { Count: > 0 } required && schema.Properties is { } properties)
        {
            foreach (var name in required.Where(name => properties.TryGetValue(name, out var p) && p.Type is { } t && t.HasFlag(JsonSchemaType.Null)).ToList())
                required.Remove(name);
        }
        return Task.CompletedTask;
    }
}
