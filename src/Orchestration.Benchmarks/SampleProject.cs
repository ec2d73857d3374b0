namespace Orchestration.Benchmarks;

/// <summary>
/// A small ASP.NET project whose answer is one constant in <c>Answer.cs</c>: what watch mode is
/// measured and tested on (edit the constant, wait for the gateway to answer it).
/// </summary>
public static class SampleProject
{
    public const string ProjectFile = "App.csproj";
    public const string AnswerPath = "/api/v1/core/answer";

    /// <summary>Writes the project into <paramref name="folder"/>, answering <paramref name="answer"/>.</summary>
    public static void Write(string folder, string answer)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, ProjectFile), """
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), """
            var app = WebApplication.CreateSlimBuilder(args).Build();
            var name = Environment.GetEnvironmentVariable("INSTANCE_NAME") ?? "app";
            var api = Environment.GetEnvironmentVariable("API_BASE_URL") ?? "/api/v1";
            app.Use(async (context, next) => { context.Response.Headers["X-Instance"] = name; await next(); });
            app.MapGet(api + "/core/health", () => Results.Text("{\"status\":\"ok\"}", "application/json"));
            app.MapGet(api + "/core/answer", () => Answer.Text);
            app.Run();
            """);
        WriteAnswer(folder, answer);
    }

    /// <summary>The edit: a new constant in Answer.cs.</summary>
    public static void WriteAnswer(string folder, string answer) =>
        File.WriteAllText(Path.Combine(folder, "Answer.cs"), $"static class Answer {{ public const string Text = \"{answer}\"; }}\n");

    /// <summary>A deployment of the project with <paramref name="instances"/> instances and watch mode on.</summary>
    public static string Config(int gatewayPort, int port, int instances) => $"""
        nginx:
          port: {gatewayPort}
        servers:
          app:
            port: {port}
            instances: {instances}
            modules: [core]
            reload: true
            project: ./app/{ProjectFile}
        health:
          attempts: 80
          interval: 0.25
          timeout: 2
        stop_timeout: 2
        """;
}
