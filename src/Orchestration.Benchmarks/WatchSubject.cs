namespace Orchestration.Benchmarks;

/// <summary>
/// A project watch mode is measured on, copied into the stack's temp folder (the user's sources are
/// never edited): how to lay it out, and the edit that makes the gateway answer differently.
/// </summary>
public sealed record WatchSubject(string Name, Func<string, int, int, int, string> Prepare, Action<string, string> Edit, string Path, string Marker)
{
    /// <summary>The small <see cref="SampleProject"/>: one constant answered at <c>/core/answer</c>.</summary>
    public static WatchSubject Sample { get; } = new(
        "small project",
        (folder, gateway, port, instances) =>
        {
            SampleProject.Write(System.IO.Path.Combine(folder, "app"), "v0");
            return SampleProject.Config(gateway, port, instances);
        },
        (folder, answer) => SampleProject.WriteAnswer(System.IO.Path.Combine(folder, "app"), answer),
        SampleProject.AnswerPath,
        "");

    /// <summary>
    /// A copy of the bundled TradingApi (with the repository's shared build settings), with its
    /// listening sockets handed to replacements as dev-config.yaml does: the edit
    /// renames the API version status "stable" that <c>/core/versions</c> returns.
    /// </summary>
    public static WatchSubject Bundled(string repoRoot) => new(
        "bundled TradingApi",
        (folder, gateway, port, instances) =>
        {
            foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json" })
                File.Copy(System.IO.Path.Combine(repoRoot, file), System.IO.Path.Combine(folder, file));
            CopySources(System.IO.Path.Combine(repoRoot, "src", "TradingApi"), System.IO.Path.Combine(folder, "TradingApi"));
            return $"""
                nginx:
                  port: {gateway}
                servers:
                  api:
                    port: {port}
                    instances: {instances}
                    modules: [core, broker]
                    reload: true
                    socket_handoff: true
                    project: ./TradingApi/TradingApi.csproj
                health:
                  attempts: 80
                  interval: 0.25
                """;
        },
        (folder, answer) =>
        {
            var file = System.IO.Path.Combine(folder, "TradingApi", "Core", "CoreModule.cs");
            var text = File.ReadAllText(file);
            var edited = System.Text.RegularExpressions.Regex.Replace(text, "\"stable[^\"]*\"", $"\"stable-{answer}\"");
            if (edited == text) throw new BenchmarkException($"{file} no longer has the \"stable\" marker this benchmark edits");
            File.WriteAllText(file, edited);
        },
        "/api/v1/core/versions",
        "stable-");

    /// <summary>True when the gateway's body shows <paramref name="answer"/>.</summary>
    public bool Shows(string? body, string answer) => body is not null && (Marker.Length == 0 ? body == answer : body.Contains(Marker + answer, StringComparison.Ordinal));

    private static void CopySources(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = System.IO.Path.GetRelativePath(from, file);
            var top = relative.Split(System.IO.Path.DirectorySeparatorChar)[0];
            if (top is "bin" or "obj") continue;
            var target = System.IO.Path.Combine(to, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
