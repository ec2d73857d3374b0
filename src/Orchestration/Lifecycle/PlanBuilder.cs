using Orchestration.Config;
using Orchestration.IO;
using Orchestration.Nginx;
using Orchestration.Processes;
using Orchestration.Supervision;

namespace Orchestration.Lifecycle;

/// <summary>Turns a validated deployment into the supervisor's plan: every argv, environment and path resolved.</summary>
public static class PlanBuilder
{
    /// <param name="config">The validated deployment.</param>
    /// <param name="nginxBinary">The nginx that EnsureNginx found.</param>
    /// <param name="builtBackends">Server name → the built dll of its .NET project, or its Native AOT binary.</param>
    /// <param name="dotnet">The dotnet host that runs .NET backends.</param>
    /// <param name="nginxErrorLogFlag">Whether this nginx knows <c>-e</c> (1.19.5 and later).</param>
    /// <param name="spares">Instance name → its spare port (see <see cref="SparePorts"/>).</param>
    public static SupervisorPlan Build(DeploymentConfig config, string nginxBinary, IReadOnlyDictionary<string, string> builtBackends, string dotnet, bool nginxErrorLogFlag = true, IReadOnlyDictionary<string, int>? spares = null)
    {
        var paths = config.Paths;
        var instances = config.Instances.Select(i => new InstancePlan
        {
            Server = i.Server.Name,
            Port = i.Port,
            Modules = i.Modules,
            Process = InstanceProcess(config, i, builtBackends, dotnet),
            ArgvTemplate = i.Server.Command is null ? null : CommandTemplate.Expand(i, port: "{port}"),
            SparePort = spares?.GetValueOrDefault(i.Name) ?? 0,
            SocketHandOff = i.Server.SocketHandOff,
            Build = builtBackends.TryGetValue(i.Server.Name, out var dll) && i.Server.Command is null ? BuildStamp(dll) : null,
        }).ToList();
        return new SupervisorPlan
        {
            ConfigPath = config.ConfigPath,
            ConfigHash = ConfigFingerprint.Of(config),
            LocalDir = config.LocalDir,
            Instances = instances,
            Nginx = new ProcessSpec
            {
                Name = "nginx",
                Argv = NginxCommands.Foreground(nginxBinary, paths.NginxConf, paths, nginxErrorLogFlag),
                WorkingDirectory = config.LocalDir,
            },
            GatewayPort = config.Nginx.Port,
            GatewayAddress = config.Nginx.Listen,
            StopTimeoutSeconds = config.StopTimeout,
            Dotnet = dotnet,
            Health = config.Health,
            Restart = config.Restart,
            Logs = config.Logs,
            ApiBaseUrl = config.ApiBaseUrl,
            Watch = WatchPlans(config),
        };
    }

    private static ProcessSpec InstanceProcess(DeploymentConfig config, InstanceSpec instance, IReadOnlyDictionary<string, string> builtBackends, string dotnet)
    {
        var server = instance.Server;
        var env = InstanceEnvironment.Local(config, instance);

        if (server.Command is not null)
        {
            return new ProcessSpec
            {
                Name = instance.Name,
                Argv = CommandTemplate.Expand(instance),
                WorkingDirectory = config.BaseDirectory,
                Environment = env,
            };
        }
        var built = builtBackends.TryGetValue(server.Name, out var path)
            ? path
            : throw new InvalidOperationException($"Server '{server.Name}' runs a .NET project that was not built");
        return new ProcessSpec
        {
            Name = instance.Name,
            // A JIT build is a .dll the dotnet host runs; a Native AOT publish is the program itself.
            Argv = built.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? [dotnet, built] : [built],
            WorkingDirectory = Path.GetDirectoryName(built)!,
            Environment = env,
        };
    }

    /// <summary>
    /// Server → dll, moved to a copy of each build output under local_dir/run: the instances run from
    /// there, so a later build of the project (Restart builds before it stops) never writes into
    /// files they have mapped.
    /// </summary>
    public static IReadOnlyDictionary<string, string> RunFromCopies(LocalPaths paths, IReadOnlyDictionary<string, string> builtBackends) =>
        builtBackends.ToDictionary(kv => kv.Key, kv =>
        {
            var output = Path.GetDirectoryName(kv.Value)!;
            var copy = Path.Combine(paths.Root, "run", Path.GetFileNameWithoutExtension(kv.Value) + "-" +
                ShortHash.Of(output, 8));
            DirectoryMirror.Copy(output, copy);
            return Path.Combine(copy, Path.GetFileName(kv.Value));
        });

    /// <summary>Changes whenever any file of the build output does (name, size, time), not only the main dll.</summary>
    private static string? BuildStamp(string dll)
    {
        var folder = Path.GetDirectoryName(dll)!;
        if (!Directory.Exists(folder)) return null;
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => new FileInfo(f)).Select(f => $"{Path.GetRelativePath(folder, f.FullName)}:{f.Length}:{f.LastWriteTimeUtc.Ticks}");
        return ShortHash.Of(string.Join('\n', files), 12);
    }

    private static IReadOnlyList<WatchPlan> WatchPlans(DeploymentConfig config) =>
        // A command server reloads on the files its watch: patterns name; with none (the default,
        // as docs/configuration.md says) it does not reload on file changes at all.
        config.Servers.Where(s => s.Reload && (s.IsDotNetProject || s.Watch.Count > 0))
            .GroupBy(s => s.IsDotNetProject ? s.Project ?? s.Name : "command:" + s.Name)
            .Select(g =>
            {
                var s = g.First();
                return new WatchPlan
                {
                    Servers = g.Select(x => x.Name).ToList(),
                    Directory = s.IsDotNetProject && s.Project is not null ? Path.GetDirectoryName(s.Project)! : (s.BaseDirectoryForWatch ?? config.BaseDirectory),
                    Include = s.IsDotNetProject || s.Watch.Count == 0 ? ["**/*"] : s.Watch,
                    Project = s.IsDotNetProject ? s.Project : null,
                };
            }).ToList();
}
