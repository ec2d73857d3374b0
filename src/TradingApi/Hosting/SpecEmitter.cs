using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using TradingApi.WebSockets;

namespace TradingApi.Hosting;

/// <summary>
/// <c>--emit-specs &lt;folder&gt;</c>: writes the enabled modules' <c>openapi.json</c> and
/// <c>asyncapi.json</c> into the folder and exits, without listening. The documents are the ones
/// <c>core/openapi.json</c> and <c>core/asyncapi.json</c> serve (same provider, same endpoints), so
/// the manager can write spec files without starting a deployment (<c>./build.sh GenerateSpecs</c>).
/// </summary>
internal static class SpecEmitter
{
    public const string Key = "emit-specs";

    public static async Task<int> WriteAsync(WebApplication app, ApiSettings settings, string folder)
    {
        Directory.CreateDirectory(folder);
        // Started on a server that does not listen (as the build-time document tool does): starting
        // builds the endpoint data sources the document is made from.
        await app.StartAsync();
        var provider = app.Services.GetRequiredKeyedService<IOpenApiDocumentProvider>("v1");
        var document = await provider.GetOpenApiDocumentAsync();
        await using (var stream = File.Create(Path.Combine(folder, "openapi.json")))
        {
            await document.SerializeAsJsonAsync(stream, OpenApiSpecVersion.OpenApi3_1);
        }

        var json = app.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        await File.WriteAllTextAsync(Path.Combine(folder, "asyncapi.json"), AsyncApiDocument.Build(settings, app.Services, json).ToJsonString());
        Console.WriteLine($"Wrote openapi.json and asyncapi.json of modules {string.Join(",", settings.Modules)} to {folder}");
        await app.StopAsync();
        return 0;
    }

    /// <summary>An <see cref="IServer"/> that accepts no connection.</summary>
    internal sealed class NoListening : IServer
    {
        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
