using System.Xml.Linq;
using Orchestration.Config;
using Orchestration.Packages;

namespace Orchestration.Builds;

/// <summary>How a server's .NET project is built to run (Native AOT or JIT), and why: BuildBackend prints the reason.</summary>
public sealed record PublishChoice(bool Native, string Reason)
{
    /// <summary>
    /// <c>publish: aot</c> or <c>jit</c> as written; <c>auto</c> is AOT for a <c>reload: false</c> server whose
    /// project declares itself AOT-compatible (<see cref="DeclaredAotProperty"/>), JIT otherwise. Watch mode
    /// (<c>reload: true</c>) always builds JIT: a native compile per saved file would take tens of seconds.
    /// </summary>
    public static PublishChoice For(ServerConfig server, Func<string, string?>? declaredAotProperty = null)
    {
        if (server.Publish == PublishMode.Jit) return new(false, "publish: jit");
        if (server.Publish == PublishMode.Aot) return new(true, "publish: aot");
        if (server.Reload) return new(false, "reload: true keeps the JIT build loop");
        return ByProject(server, "reload: false and ", declaredAotProperty);
    }

    /// <summary>
    /// The same choice for a server's container image: <c>reload</c> is not looked at, since watch mode does not
    /// run in a container (code reaches a stack as a new image), so <c>auto</c> is AOT whenever the project
    /// declares itself AOT-compatible.
    /// </summary>
    public static PublishChoice ForImage(ServerConfig server, Func<string, string?>? declaredAotProperty = null)
    {
        if (server.Publish == PublishMode.Jit) return new(false, "publish: jit");
        if (server.Publish == PublishMode.Aot) return new(true, "publish: aot");
        return ByProject(server, "publish: auto and ", declaredAotProperty);
    }

    private static PublishChoice ByProject(ServerConfig server, string because, Func<string, string?>? declaredAotProperty)
    {
        var property = server.Project is null ? null : (declaredAotProperty ?? DeclaredAotProperty)(server.Project);
        var project = Path.GetFileName(server.Project);
        return property is null
            ? new(false, $"{project} does not declare IsAotCompatible or PublishAot")
            : new(true, $"{because}{project} declares {property}");
    }

    /// <summary>
    /// <c>IsAotCompatible</c> or <c>PublishAot</c> when the project file, or a Directory.Build.props above it,
    /// sets it to true without a condition; else null. Read from the XML, not evaluated by MSBuild, which
    /// would cost a second on every Start.
    /// </summary>
    public static string? DeclaredAotProperty(string project)
    {
        var files = new List<string> { project };
        for (var dir = Path.GetDirectoryName(project); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            var props = Path.Combine(dir, "Directory.Build.props");
            if (File.Exists(props)) files.Add(props);
        }
        foreach (var file in files)
        {
            XDocument xml;
            try
            {
                xml = XDocument.Load(file);
            }
            catch (System.Xml.XmlException)
            {
                continue; // MSBuild reports a broken file when it builds
            }
            var declared = xml.Descendants()
                .Where(e => e.Name.LocalName is "IsAotCompatible" or "PublishAot" && e.Attribute("Condition") is null
                    && e.Parent?.Attribute("Condition") is null && e.Value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase))
                .Select(e => e.Name.LocalName).FirstOrDefault();
            if (declared is not null) return declared;
        }
        return null;
    }

    /// <summary>
    /// Native AOT links with clang (or gcc, which the ILCompiler falls back to): finds one, or installs clang
    /// as EnsureNginx installs nginx (root with apt-get); otherwise fails with the install command.
    /// </summary>
    public static async Task EnsureToolchainAsync(PackageInstaller packages, CancellationToken cancellationToken)
    {
        if (packages.Locate("clang") is not null || packages.Locate("gcc") is not null) return;
        var clang = await packages.EnsureAsync("clang", ["clang"], cancellationToken).ConfigureAwait(false);
        if (!clang.Found) throw new BackendBuildException("(native toolchain)", $"Native AOT needs a C linker: {clang.Error}");
    }
}
