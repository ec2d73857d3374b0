using System.Globalization;

namespace BuildGraph.Parameters;

/// <summary>Converts the text values of a parameter to its type; on failure says what was expected.</summary>
internal static class ValueConverter
{
    private static readonly string[] TrueWords = ["true", "1", "yes", "on"];
    private static readonly string[] FalseWords = ["false", "0", "no", "off"];

    public static bool Supports(Type type)
    {
        var element = type.IsArray ? type.GetElementType()! : type;
        element = Nullable.GetUnderlyingType(element) ?? element;
        return element == typeof(string) || element == typeof(int) || element == typeof(long) || element == typeof(double) ||
               element == typeof(bool) || element.IsEnum;
    }

    /// <summary>Converts; returns false with <paramref name="expected"/> describing the accepted values.</summary>
    public static bool TryConvert(Type type, IReadOnlyList<string> values, out object? result, out string expected)
    {
        if (type.IsArray)
        {
            var elementType = type.GetElementType()!;
            var array = Array.CreateInstanceFromArrayType(type, values.Count);
            for (var i = 0; i < values.Count; i++)
            {
                if (!TryConvertOne(elementType, values[i], out var item, out expected))
                {
                    result = null;
                    expected = "a list of " + expected;
                    return false;
                }

                array.SetValue(item, i);
            }

            result = array;
            expected = "";
            return true;
        }

        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (values.Count == 0)
        {
            result = underlying == typeof(bool) ? true : null;
            expected = Describe(underlying);
            return underlying == typeof(bool);
        }

        return TryConvertOne(type, values[0], out result, out expected);
    }

    public static string Describe(Type type)
    {
        if (type.IsArray)
            return Describe(type.GetElementType()!) + "...";
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(int) || type == typeof(long) => "an integer",
            _ when type == typeof(double) => "a number",
            _ when type == typeof(bool) => "true or false",
            _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type)),
            _ => "a text",
        };
    }

    /// <summary>Short type name for help and errors: string, int, bool, Debug|Release, string[].</summary>
    public static string ShortName(Type type)
    {
        if (type.IsArray)
            return ShortName(type.GetElementType()!) + "[]";
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(string) => "string",
            _ when type == typeof(int) => "int",
            _ when type == typeof(long) => "long",
            _ when type == typeof(double) => "double",
            _ when type == typeof(bool) => "bool",
            _ when type.IsEnum => string.Join("|", Enum.GetNames(type)),
            _ => type.Name,
        };
    }

    private static bool TryConvertOne(Type type, string text, out object? result, out string expected)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        expected = Describe(underlying);
        result = null;
        const NumberStyles integer = NumberStyles.Integer;
        var culture = CultureInfo.InvariantCulture;

        if (underlying == typeof(string))
            result = text;
        else if (underlying == typeof(int) && int.TryParse(text, integer, culture, out var i))
            result = i;
        else if (underlying == typeof(long) && long.TryParse(text, integer, culture, out var l))
            result = l;
        else if (underlying == typeof(double) && double.TryParse(text, NumberStyles.Float, culture, out var d))
            result = d;
        else if (underlying == typeof(bool) && TrueWords.Contains(text, StringComparer.OrdinalIgnoreCase))
            result = true;
        else if (underlying == typeof(bool) && FalseWords.Contains(text, StringComparer.OrdinalIgnoreCase))
            result = false;
        else if (underlying.IsEnum)
            result = Enum.GetNames(underlying).FirstOrDefault(n => n.Equals(text, StringComparison.OrdinalIgnoreCase)) is { } name
                ? Enum.Parse(underlying, name)
                : null;

        return result is not null;
    }
}
