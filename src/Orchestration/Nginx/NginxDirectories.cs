using Orchestration.Config;
using Orchestration.IO;

namespace Orchestration.Nginx;

/// <summary>The folders nginx needs under local_dir before <c>nginx -t</c> or a start: logs and every temp path.</summary>
public static class NginxDirectories
{
    public static readonly IReadOnlyList<string> TempKinds = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"];

    public static void Ensure(LocalPaths paths)
    {
        PrivateDirectory.Create(paths.Root);
        PrivateDirectory.Create(paths.Logs);
        PrivateDirectory.Create(paths.Temp);
        foreach (var kind in TempKinds) PrivateDirectory.Create(Path.Combine(paths.Temp, kind));
    }
}
