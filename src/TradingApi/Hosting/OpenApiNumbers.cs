using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace TradingApi.Hosting;

/// <summary>
/// The web JSON defaults read numbers from strings too, so the generated schema of every number is
/// <c>type: [number, string]</c> with a digits pattern; typed clients then see <c>number | string</c>
/// (or <c>object</c>). The API writes numbers as numbers, so the document says numbers.
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
        return Task.CompletedTask;
    }
}
