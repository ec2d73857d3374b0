using System.Text.Json;

namespace BuildGraph.Parameters;

/// <summary>The outcome of binding: a value per parameter that was given, words that turned out to be targets, errors, warnings.</summary>
internal sealed record BindingResult(
    IReadOnlyDictionary<ParameterDescriptor, object?> Values,
    IReadOnlyList<string> ExtraTargets,
    IReadOnlyList<string> Errors,
    IReadOnlyList<string> Warnings);

/// <summary>
/// Binds parameters from the command line, then the environment, then parameters.json (first found wins).
/// Pure: the environment and the JSON text are inputs.
/// </summary>
internal sealed class ParameterBinder(IReadOnlyList<ParameterDescriptor> parameters)
{
    /// <summary>Options the engine itself understands.</summary>
    public static readonly string[] BuiltInOptions = ["target", "skip", "help", "h", "plan"];

    public BindingResult Bind(CommandLine commandLine, IReadOnlyDictionary<string, string> environment, string? parametersJson)
    {
        var values = new Dictionary<ParameterDescriptor, object?>();
        var extraTargets = new List<string>();
        var errors = new List<string>();
        var warnings = new List<string>();
        var byKey = parameters.ToDictionary(p => Names.Key(p.Name));

        foreach (var option in commandLine.Options)
        {
            if (BuiltInOptions.Contains(option.Key))
                continue;
            if (!byKey.TryGetValue(option.Key, out var parameter))
            {
                errors.Add(UnknownOption(option.Raw));
                continue;
            }

            var given = TakeValues(parameter, option.Values, extraTargets);
            Convert(parameter, given, $"--{option.Raw}", values, errors);
        }

        var json = ReadJson(parametersJson, errors);
        foreach (var parameter in parameters.Where(p => !values.ContainsKey(p)))
        {
            if (FromEnvironment(parameter, environment) is { } fromEnvironment)
                Convert(parameter, fromEnvironment.Values, $"environment variable {fromEnvironment.Name}", values, errors);
            else if (json.TryGetValue(Names.Key(parameter.Name), out var element) && FromJson(element) is { } fromJson)
                Convert(parameter, fromJson, $".nuke/parameters.json key '{parameter.Name}'", values, errors);
        }

        foreach (var key in json.Keys.Where(k => !byKey.ContainsKey(k)))
            warnings.Add($".nuke/parameters.json has '{key}', which is not a parameter of this build.");
        return new BindingResult(values, extraTargets, errors, warnings);
    }

    public string UnknownOption(string raw)
    {
        var known = parameters.Select(p => Names.ToKebab(p.Name)).Concat(BuiltInOptions.Where(o => o.Length > 1));
        return Names.Closest(raw, known) is { } suggestion
            ? $"Unknown option '--{raw}'. Did you mean '--{suggestion}'?"
            : $"Unknown option '--{raw}'. Run with --help to see the parameters.";
    }

    /// <summary>A scalar takes one value (a flag none, unless it reads as a boolean); the words after it are targets.</summary>
    private static IReadOnlyList<string> TakeValues(ParameterDescriptor parameter, IReadOnlyList<string> given, List<string> extraTargets)
    {
        if (parameter.IsArray)
            return given;
        var take = parameter.IsFlag && given.Count > 0 && !ValueConverter.TryConvert(typeof(bool), [given[0]], out _, out _) ? 0 : Math.Min(1, given.Count);
        extraTargets.AddRange(given.Skip(take));
        return given.Take(take).ToList();
    }

    private static void Convert(
        ParameterDescriptor parameter, IReadOnlyList<string> given, string source, Dictionary<ParameterDescriptor, object?> values, List<string> errors)
    {
        if (ValueConverter.TryConvert(parameter.Type, given, out var value, out var expected))
        {
            values[parameter] = value;
            return;
        }

        errors.Add(given.Count == 0
            ? $"Parameter '{parameter.Option}' needs a value ({expected}), from {source}."
            : $"Invalid value '{string.Join(" ", given)}' for parameter '{parameter.Option}' from {source}: expected {expected}.");
    }

    private static (string Name, IReadOnlyList<string> Values)? FromEnvironment(ParameterDescriptor parameter, IReadOnlyDictionary<string, string> environment)
    {
        foreach (var name in new[] { parameter.EnvironmentName, parameter.Name })
        {
            if (environment.TryGetValue(name, out var text) && !string.IsNullOrEmpty(text))
                return (name, parameter.IsArray ? text.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [text]);
        }

        return null;
    }

    private static Dictionary<string, JsonElement> ReadJson(string? text, List<string> errors)
    {
        var result = new Dictionary<string, JsonElement>();
        if (string.IsNullOrWhiteSpace(text))
            return result;
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors.Add(".nuke/parameters.json must hold a JSON object of parameter names to values.");
                return result;
            }

            foreach (var property in document.RootElement.EnumerateObject().Where(p => !p.Name.StartsWith('$')))
                result[Names.Key(property.Name)] = property.Value.Clone();
        }
        catch (JsonException ex)
        {
            errors.Add($".nuke/parameters.json is not valid JSON: {ex.Message}");
        }

        return result;
    }

    private static IReadOnlyList<string>? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.Array => element.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText()).ToList(),
        JsonValueKind.String => [element.GetString()!],
        _ => [element.GetRawText()],
    };
}
