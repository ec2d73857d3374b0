using YamlDotNet.RepresentationModel;

namespace Orchestration.Config;

internal sealed partial class ConfigParser
{
    private static readonly string[] ServerKeys = ["port", "instances", "modules", "reload", "publish", "socket_handoff", "command", "project", "env", "watch"];
    private const string ServersFix = "write servers: followed by one indented block per server, e.g. broker: {port: 8001, modules: [core, broker]}.";

    private List<ServerConfig> ReadServers(YamlSection root)
    {
        var servers = root.Section("servers", ServersFix);
        var result = new List<ServerConfig>();
        if (servers is null)
        {
            if (!diagnostics.Failed("servers"))
                diagnostics.Error(root.Contains("servers") ? "servers" : "", "no servers are defined; a deployment needs at least one.", ServersFix);
            return result;
        }
        foreach (var name in servers.Keys)
        {
            var path = servers.Child(name);
            if (!ConfigRules.Name().IsMatch(name))
                diagnostics.Error(path, $"'{name}' is not a valid server name.", ConfigRules.NameFix("server"), atKey: true);
            var section = servers.Section(name, $"write the settings of {name} as indented 'key: value' lines (port, instances, modules, ...).");
            if (section is null)
            {
                if (!diagnostics.Failed(path))
                    diagnostics.Error(path, $"server '{name}' has no settings.", $"give it at least a port, e.g. port: 8001.", atKey: true);
                continue;
            }
            result.Add(ReadServer(name, section));
        }
        if (result.Count == 0 && !diagnostics.Failed("servers"))
            diagnostics.Error("servers", "no servers are defined; a deployment needs at least one.", ServersFix, atKey: true);
        return result;
    }

    private ServerConfig ReadServer(string name, YamlSection server)
    {
        server.RejectUnknownKeys(ServerKeys);
        var port = Port(server, "port");
        if (port is null && !server.Has("port"))
            diagnostics.Error(server.Path, $"server '{name}' has no port.", "add port: <first port>, e.g. port: 8001 (instance i listens on port + i).", atKey: true);
        var instances = Ranged(server, "instances", 1, 1000, "use a number of instances of at least 1.", "is not a valid number of instances");
        if (port is not null && instances is not null && port + instances - 1 > ConfigRules.MaxPort)
            diagnostics.Error(server.Child("instances"),
                $"{instances} instances from port {port} need ports up to {port + instances - 1}, past 65535.",
                "lower the port or the number of instances.");

        var command = ReadCommand(server);
        var project = command is null ? ReadProject(server) : null;
        if (command is not null && server.Has("project"))
            diagnostics.Error(server.Child("project"), "a server runs either a command or a .NET project, not both.", "remove project or command.", atKey: true);

        var reload = server.Bool("reload") ?? true;
        var handOff = server.Bool("socket_handoff") ?? false;
        if (handOff && command is not null)
            diagnostics.Error(server.Child("socket_handoff"),
                $"socket_handoff: true is for .NET projects (Kestrel takes the handed sockets with UseSystemd()), and servers.{name} runs a command, which is started with its port in its argv.",
                $"remove servers.{name}.socket_handoff; its replacements start on the spare port and move back.", atKey: true);
        return new ServerConfig
        {
            Name = name,
            Port = port ?? 0,
            Instances = instances ?? 1,
            Modules = ReadModules(name, server, bundled: command is null && !server.Has("project")),
            Reload = reload,
            Publish = ReadPublish(name, server, reload, isCommand: command is not null),
            SocketHandOff = handOff && command is null,
            Command = command,
            Project = command is null ? project ?? options.BundledProject : null,
            Env = ReadEnv(server),
            Watch = server.List("watch", "write glob patterns as a list, e.g. [\"**/*.py\"].")?.Select(w => w.Value).ToList() ?? [],
            BaseDirectoryForWatch = command is null && (project ?? options.BundledProject) is { } p ? Path.GetDirectoryName(p) : _baseDirectory,
        };
    }

    private List<string> ReadModules(string server, YamlSection section, bool bundled)
    {
        var modules = new List<string> { ModuleNames.Core };
        ModulePaths[(server, ModuleNames.Core)] = section.Child("modules");
        foreach (var (module, path) in section.List("modules", "write modules as a list, e.g. [core, broker].") ?? [])
        {
            if (!ConfigRules.Name().IsMatch(module))
                diagnostics.Error(path, $"'{module}' is not a valid module name.", ConfigRules.NameFix("module"));
            else if (bundled && !ModuleNames.Bundled.Contains(module))
            {
                var guess = Suggestions.Closest(module, ModuleNames.Bundled);
                diagnostics.Error(path, $"'{module}' is not a module of the bundled TradingApi backend.",
                    $"use one of {string.Join(", ", ModuleNames.Bundled)}{(guess is null ? "" : $" (did you mean '{guess}'?)")}, or give servers.{server} a command or project that provides it.");
            }
            else if (module != ModuleNames.Core && modules.Contains(module))
                diagnostics.Error(path, $"'{module}' is listed twice.", "list each module once.");
            else if (module != ModuleNames.Core)
            {
                modules.Add(module);
                ModulePaths[(server, module)] = path;
            }
        }
        return modules;
    }

    private PublishMode ReadPublish(string name, YamlSection server, bool reload, bool isCommand)
    {
        const string modes = "auto (Native AOT when reload is false and the project declares IsAotCompatible or PublishAot, JIT otherwise), aot or jit";
        var text = server.String("publish", $"write one of {modes}.");
        if (text is null) return PublishMode.Auto;
        var path = server.Child("publish");
        PublishMode? parsed = text switch { "auto" => PublishMode.Auto, "aot" => PublishMode.Aot, "jit" => PublishMode.Jit, _ => null };
        if (parsed is not { } mode)
        {
            var guess = Suggestions.Closest(text, ["auto", "aot", "jit"]);
            diagnostics.Error(path, $"'{text}' is not a publish mode.", (guess is null ? "use" : $"did you mean '{guess}'? Use") + $" {modes}.");
            return PublishMode.Auto;
        }
        if (isCommand)
            diagnostics.Error(path, "publish applies to a .NET project; this server runs a command.", "remove publish (a command runs as it is).", atKey: true);
        else if (mode == PublishMode.Aot && reload)
            diagnostics.Error(path, $"publish: aot needs reload: false, and servers.{name} reloads on code changes (reload: true{(server.Has("reload") ? "" : " by default")}), which rebuilds JIT each time.",
                $"set servers.{name}.reload: false for a native binary, or publish: auto to keep watch mode.", atKey: true);
        return mode;
    }

    private List<string>? ReadCommand(YamlSection server)
    {
        const string fix = "write the argv as a list, e.g. command: [python, app.py, --port, \"{port}\"].";
        var items = server.List("command", fix);
        if (items is null) return null;
        if (items.Count == 0 && !diagnostics.Failed(server.Child("command")))
            diagnostics.Error(server.Child("command"), "command is an empty list.", fix, atKey: true);
        foreach (var (arg, path) in items)
        {
            foreach (System.Text.RegularExpressions.Match m in ConfigRules.Placeholder().Matches(arg))
            {
                var placeholder = m.Groups[1].Value;
                if (ConfigRules.Placeholders.Contains(placeholder)) continue;
                var guess = Suggestions.Closest(placeholder, ConfigRules.Placeholders);
                diagnostics.Error(path, $"unknown placeholder {{{placeholder}}} in '{arg}'.",
                    $"use {{port}}, {{name}}, {{instance}} or {{modules}}{(guess is null ? "" : $" (did you mean {{{guess}}}?)")}.");
            }
        }
        // "./run.sh" is relative to the config file, like every other path in it.
        return items.Select((a, i) => i == 0 && (a.Value.StartsWith("./", StringComparison.Ordinal) || a.Value.StartsWith("../", StringComparison.Ordinal))
            ? ConfigRules.Resolve(_baseDirectory, a.Value) : a.Value).ToList();
    }

    private string? ReadProject(YamlSection server)
    {
        const string fix = "point project at a .csproj file or a folder holding exactly one, relative to the config file.";
        var value = server.String("project", fix);
        if (value is null) return null;
        var path = ConfigRules.Resolve(_baseDirectory, value);
        if (File.Exists(path) && path.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase)) return path;
        if (Directory.Exists(path))
        {
            var projects = Directory.GetFiles(path, "*.csproj");
            if (projects.Length == 1) return projects[0];
            diagnostics.Error(server.Child("project"), $"folder '{path}' holds {projects.Length} .csproj files.", fix);
            return null;
        }
        diagnostics.Error(server.Child("project"), File.Exists(path) ? $"'{path}' is not a .csproj file." : $"'{path}' does not exist.", fix);
        return null;
    }

    private Dictionary<string, string> ReadEnv(YamlSection server)
    {
        var env = server.Section("env", "write env: followed by indented 'NAME: value' lines.");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (env is null) return result;
        foreach (var name in env.Keys)
        {
            var value = env.Node(name) is null ? "" : env.String(name, "write the value on the same line, e.g. LOG_LEVEL: debug.");
            if (!ConfigRules.Identifier().IsMatch(name))
                diagnostics.Error(env.Child(name), $"'{name}' is not a valid environment variable name.", "use letters, digits and '_', starting with a letter or '_'.", atKey: true);
            else if (value is not null)
                result[name] = value;
        }
        return result;
    }
}
