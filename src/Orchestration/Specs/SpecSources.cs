using System.Net;
using System.Text.Json.Nodes;
using CliWrap;
using CliWrap.Buffered;
using Orchestration.Config;

namespace Orchestration.Specs;

/// <summary>
/// Where a server's documents come from: a running instance (<c>{base}/core/openapi.json</c> and
/// <c>{base}/core/asyncapi.json</c>, the guide's contract, any backend), or, without starting
/// anything, the built .NET backend run with <c>--emit-specs</c> (it maps its routes, writes both
/// documents and exits without listening).
/// </summary>
public static class SpecSources
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    public static async Task<ServerDocuments> FetchAsync(HttpClient http, string server, string instanceUrl, string apiBaseUrl, CancellationToken cancellationToken)
    {
        var openApi = await GetAsync(http, $"{instanceUrl}{apiBaseUrl}/core/openapi.json", cancellationToken).ConfigureAwait(false)
                      ?? throw new SpecException($"{server}: {instanceUrl}{apiBaseUrl}/core/openapi.json answered 404; the backend serves no OpenAPI document.");
        var asyncApi = await GetAsync(http, $"{instanceUrl}{apiBaseUrl}/core/asyncapi.json", cancellationToken).ConfigureAwait(false);
        return new ServerDocuments(server, openApi, asyncApi);
    }

    private static async Task<JsonObject?> GetAsync(HttpClient http, string url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var response = await http.GetAsync(url, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound) return null;
            if (!response.IsSuccessStatusCode) throw new SpecException($"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            return JsonNode.Parse(text) as JsonObject ?? throw new SpecException($"{url} is not a JSON object.");
        }
        catch (HttpRequestException ex)
        {
            throw new SpecException($"{url}: {ex.Message}");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new SpecException($"{url} did not answer within {RequestTimeout.TotalSeconds:0} s.");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new SpecException($"{url} is not JSON: {ex.Message}");
        }
    }

    /// <summary>Runs <c>dotnet {dll} --emit-specs {temp}</c> with the server's environment and reads what it wrote.</summary>
    public static async Task<ServerDocuments> EmitAsync(DeploymentConfig config, ServerConfig server, string dotnet, string dll, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("orchestration-specs-").FullName;
        try
        {
            var env = InstanceEnvironment.For(config, server, $"{server.Name}-specs", 0, "http://127.0.0.1:0").ToDictionary();
            env["LOG_LEVEL"] = "warn";
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            var run = await Cli.Wrap(dotnet).WithArguments([dll, "--emit-specs", folder]).WithEnvironmentVariables(env!)
                .WithWorkingDirectory(Path.GetDirectoryName(dll)!).WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(timeout.Token).ConfigureAwait(false);
            var openApiPath = Path.Combine(folder, SpecSet.OpenApiFile);
            if (run.ExitCode != 0 || !File.Exists(openApiPath))
                throw new SpecException($"{server.Name}: {Path.GetFileName(dll)} --emit-specs exited {run.ExitCode} without writing {SpecSet.OpenApiFile}" +
                                        $" (a backend needs the --emit-specs option of the bundled TradingApi):\n{run.StandardError}{run.StandardOutput}".TrimEnd());
            var asyncApiPath = Path.Combine(folder, SpecSet.AsyncApiFile);
            return new ServerDocuments(server.Name, (JsonObject)JsonNode.Parse(await File.ReadAllTextAsync(openApiPath, cancellationToken).ConfigureAwait(false))!,
                File.Exists(asyncApiPath) ? JsonNode.Parse(await File.ReadAllTextAsync(asyncApiPath, cancellationToken).ConfigureAwait(false)) as JsonObject : null);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>A spec could not be read or written; the message says which server or file, and why.</summary>
public sealed class SpecException(string message) : Exception(message);
