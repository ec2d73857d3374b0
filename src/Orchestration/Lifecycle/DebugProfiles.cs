using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestration.Config;
using Orchestration.IO;
using Orchestration.Supervision;

namespace Orchestration.Lifecycle;

/// <summary>What Detach hands a developer: the instance's command line, and debugger profiles that run it as the supervisor would.</summary>
public sealed record DebugHandover(string Shell, string LaunchSettings, string VsCodeLaunch);

/// <summary>
/// Detach's debugger profiles for one instance, in <c>local_dir/debug/</c>: a <c>launchSettings.json</c>
/// profile (Visual Studio, Rider, <c>dotnet run --launch-profile</c>) and a VS Code <c>launch.json</c>
/// configuration, each with the env, URL and working directory the supervisor gives the instance.
/// Other instances' profiles in the same files are kept.
/// </summary>
public static class DebugProfiles
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static DebugHandover Write(LocalPaths paths, InstancePlan instance, ServerConfig server)
    {
        var debug = Path.Combine(paths.Root, "debug");
        PrivateDirectory.Create(debug);
        var env = instance.Process.Environment;
        var url = env.GetValueOrDefault("ASPNETCORE_URLS") ?? $"http://127.0.0.1:{instance.Port}";
        var name = instance.Process.Name;

        var settingsPath = Path.Combine(debug, "launchSettings.json");
        var settings = Read(settingsPath);
        var profiles = settings["profiles"] as JsonObject ?? [];
        settings["profiles"] = profiles;
        profiles[name] = server.IsDotNetProject
            ? new JsonObject { ["commandName"] = "Project", ["applicationUrl"] = url, ["launchBrowser"] = false, ["environmentVariables"] = Object(env) }
            : new JsonObject
            {
                ["commandName"] = "Executable", ["executablePath"] = instance.Process.Argv[0],
                ["commandLineArgs"] = string.Join(' ', instance.Process.Argv.Skip(1)), ["workingDirectory"] = instance.Process.WorkingDirectory,
                ["environmentVariables"] = Object(env),
            };
        AtomicFile.WriteAllText(settingsPath, settings.ToJsonString(Indented));

        var launchPath = Path.Combine(debug, "launch.json");
        var launch = Read(launchPath);
        launch["version"] = "0.2.0";
        var configurations = launch["configurations"] as JsonArray ?? [];
        launch["configurations"] = configurations;
        var title = $"{name} (Orchestration)";
        foreach (var old in configurations.Where(c => c?["name"]?.GetValue<string>() == title).ToList()) configurations.Remove(old);
        configurations.Add((JsonNode)new JsonObject
        {
            ["name"] = title, ["type"] = server.IsDotNetProject ? "coreclr" : "node-terminal", ["request"] = "launch",
            ["program"] = server.IsDotNetProject ? instance.Process.Argv[^1] : null,
            ["command"] = server.IsDotNetProject ? null : string.Join(' ', instance.Process.Argv),
            ["cwd"] = instance.Process.WorkingDirectory, ["env"] = Object(env), ["stopAtEntry"] = false,
        });
        AtomicFile.WriteAllText(launchPath, launch.ToJsonString(Indented));

        var assignments = string.Join(' ', env.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={Quote(kv.Value)}"));
        var dotnetRun = server.IsDotNetProject && server.Project is not null;
        var command = dotnetRun ? $"dotnet run --project {Quote(server.Project!)} --no-launch-profile" : string.Join(' ', instance.Process.Argv.Select(Quote));
        var folder = dotnetRun ? Path.GetDirectoryName(server.Project)! : instance.Process.WorkingDirectory;
        return new DebugHandover($"cd {Quote(folder)} && env {assignments} {command}", settingsPath, launchPath);
    }

    private static JsonObject Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? [] : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static JsonObject Object(IReadOnlyDictionary<string, string> env) =>
        new(env.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));

    private static string Quote(string value) =>
        value.All(c => char.IsLetterOrDigit(c) || "/._-:,=+@".Contains(c)) ? value : "'" + value.Replace("'", "'\\''") + "'";
}
