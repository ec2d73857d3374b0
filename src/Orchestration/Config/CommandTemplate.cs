namespace Orchestration.Config;

/// <summary>Expands a server's <c>command</c> argv for one instance.</summary>
public static class CommandTemplate
{
    /// <summary>
    /// The argv of <paramref name="instance"/>: each <c>{port}</c>, <c>{name}</c> (server name),
    /// <c>{instance}</c> (index from 0) and <c>{modules}</c> (comma-separated, core first) replaced.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server runs a .NET project, not a command.</exception>
    /// <param name="instance">The instance.</param>
    /// <param name="port">What <c>{port}</c> becomes; default the instance's port. "{port}" keeps the placeholder.</param>
    public static IReadOnlyList<string> Expand(InstanceSpec instance, string? port = null)
    {
        var command = instance.Server.Command
            ?? throw new InvalidOperationException($"server '{instance.Server.Name}' runs a .NET project, not a command.");
        var modules = string.Join(',', instance.Modules);
        return command
            .Select(arg => arg
                .Replace("{port}", port ?? instance.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{name}", instance.Server.Name, StringComparison.Ordinal)
                .Replace("{instance}", instance.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{modules}", modules, StringComparison.Ordinal))
            .ToList();
    }
}
