using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TradingApi.Hosting;

/// <summary>
/// Collects validation errors per field and turns them into one 400 problem details response,
/// whose <c>errors</c> object is keyed by the offending field (snake_case, as on the wire).
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public IResult ToResult() => Results.ValidationProblem(
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray()),
        detail: string.Join("; ", _errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"))),
        title: "One or more fields are invalid.");

    public static IResult Single(string field, string message)
    {
        var errors = new FieldErrors();
        errors.Add(field, message);
        return errors.ToResult();
    }

    /// <summary>
    /// Reads a JSON body; a syntax or type error becomes a 400 naming the field from the JSON path
    /// (a body that is absent or not an object is reported against the field <c>body</c>).
    /// </summary>
    public static async Task<(T? Value, IResult? Error)> ReadBodyAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        var options = request.HttpContext.RequestServices
            .GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = await JsonSerializer.DeserializeAsync(request.Body, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)), cancellationToken);
            return value is null ? (null, Single("body", "a JSON object is required")) : (value, null);
        }
        catch (JsonException ex)
        {
            var field = ex.Path is null or "$" ? "body" : ex.Path.TrimStart('$', '.');
            // Messages are resource keys here (UseSystemResourceKeys), so say it in our own words.
            return (null, Single(field, field == "body"
                ? $"the body is not a valid JSON object (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine})"
                : $"has a value of the wrong type or invalid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine})"));
        }
    }
}
