using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace BuildGraph.Parameters;

/// <summary>A parameter of the build: its name, type, default value and how to set it.</summary>
internal sealed record ParameterDescriptor(string Name, Type Type, string? Description, object? Default, Action<object?> Set)
{
    public string Option => "--" + Names.ToKebab(Name);

    public string EnvironmentName => Names.ToEnvironment(Name);

    public bool IsFlag => (Nullable.GetUnderlyingType(Type) ?? Type) == typeof(bool);

    public bool IsArray => Type.IsArray;

    /// <summary>The [Parameter] fields and properties of a build object, with their initial values as defaults.</summary>
    public static IReadOnlyList<ParameterDescriptor> Discover<[DynamicallyAccessedMembers(Build.Discovered)] T>(T build)
        where T : notnull
    {
        var result = new List<(int Token, ParameterDescriptor Descriptor)>();
        // The build class's own members, then the engine's (a class between the two is not looked at).
        var types = typeof(T) != typeof(Build) && typeof(T).IsSubclassOf(typeof(Build)) ? [Members(typeof(T)), Members(typeof(Build))] : new[] { Members(typeof(T)) };
        foreach (var members in types)
        {
            foreach (var member in members)
            {
                if (member is not (FieldInfo or PropertyInfo) || member.GetCustomAttribute<ParameterAttribute>() is not { } attribute)
                    continue;

                var descriptor = member switch
                {
                    FieldInfo field => new ParameterDescriptor(attribute.Name ?? field.Name, field.FieldType, attribute.Description,
                        field.GetValue(build), value => field.SetValue(build, value)),
                    PropertyInfo { CanWrite: true } property => new ParameterDescriptor(attribute.Name ?? property.Name,
                        property.PropertyType, attribute.Description, property.GetValue(build), value => property.SetValue(build, value)),
                    _ => throw new BuildUsageException($"Parameter property '{member.Name}' needs a setter (use {{ get; set; }} or a field)."),
                };
                if (!ValueConverter.Supports(descriptor.Type))
                    throw new BuildUsageException($"Parameter '{member.Name}' has type {descriptor.Type.Name}, which is not supported (use string, int, long, double, bool, an enum, or arrays of these).");
                result.Add((DeclarationOrder.Of(member), descriptor));
            }
        }

        return result.OrderBy(r => r.Token).Select(r => r.Descriptor).ToList();
    }

    private const BindingFlags Declared = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    private static IEnumerable<MemberInfo> Members([DynamicallyAccessedMembers(Build.Discovered)] Type type) =>
        type.GetFields(Declared).Concat<MemberInfo>(type.GetProperties(Declared));
}
