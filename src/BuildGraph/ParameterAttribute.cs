namespace BuildGraph;

/// <summary>
/// Marks a field or property of the build class as a parameter, bound from <c>--kebab-name value</c>,
/// then the environment (<c>KEBAB_NAME</c> or the member name), then <c>.nuke/parameters.json</c>,
/// then the member's initial value.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class ParameterAttribute(string? description = null) : Attribute
{
    /// <summary>Overrides the member name as the parameter's name.</summary>
    public string? Name { get; set; }

    public string? Description { get; } = description;
}
