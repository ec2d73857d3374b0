using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestration.IO;

/// <summary>An enum written as its snake_case name (<c>running</c>, <c>running_older_config</c>), on the enum itself
/// so every serializer of it agrees, source-generated or not.</summary>
public sealed class SnakeCaseEnum<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.SnakeCaseLower)
    where TEnum : struct, Enum;
