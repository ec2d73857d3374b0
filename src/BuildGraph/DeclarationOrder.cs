using System.Reflection;

namespace BuildGraph;

/// <summary>
/// The order members are declared in, for listing targets and parameters as the build file reads. The
/// metadata token gives it under the JIT; a Native AOT program has no tokens, and its reflection lists
/// members in declaration order already, so a stable sort on 0 keeps that.
/// </summary>
internal static class DeclarationOrder
{
    public static int Of(MemberInfo member) => member.HasMetadataToken() ? member.MetadataToken : 0;
}
