using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Serilog;
using TradingApi.Broker;
using TradingApi.Datafeed;

namespace TradingApi.Hosting;

/// <summary>Wiring shared by every instance: logging, JSON, instance header, health, shutdown.</summary>
public static class HostingExtensions
{
    /// <summary>
    /// snake_case everywhere, enums as snake_case strings, nulls omitted; metadata from the
    /// source-generated <see cref="TradingApiJsonContext"/> only, never reflection, in the JIT build
    /// as in the Native AOT one (ASP.NET adds its problem-details and OpenAPI contexts after it).
    /// </summary>
    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter<OrderSide>(JsonNamingPolicy.SnakeCaseLower));
        options.Converters.Add(new JsonStringEnumConverter<OrderType>(JsonNamingPolicy.SnakeCaseLower));
        options.Converters.Add(new JsonStringEnumConverter<OrderStatus>(JsonNamingPolicy.SnakeCaseLower));
        options.TypeInfoResolverChain.Clear();
        options.TypeInfoResolverChain.Add(TradingApiJsonContext.Default);
    }

    /// <summary>
    /// The host's arguments with configuration reload off. The instance is configured by its environment
    /// alone (there is no appsettings.json), but the default builder still watches the content root for
    /// one: a file-system watcher and its thread in every instance (issue 18, docs/performance.md).
    /// </summary>
    public static string[] WithoutConfigReload(string[] args) => [.. args, "--hostBuilder:reloadConfigOnChange=false"];

    public static void AddTradingApi(this WebApplicationBuilder builder)
    {
        var logger = Logging.CreateLogger(Environment.GetEnvironmentVariable("LOG_LEVEL"));
        builder.Services.AddSerilog(logger, dispose: true);
        builder.Services.AddSingleton(TimeProvider.System);
        // Sockets handed over by the supervisor (LISTEN_FDS, systemd's protocol): a replacement accepts on
        // the instance's own listening socket, shared with the instance it replaces, and on a health
        // socket of its own (docs/live-operations.md). ASPNETCORE_URLS names the same port then: it is
        // not bound again (Kestrel would warn that the handed sockets override it).
        builder.WebHost.ConfigureKestrel(o => o.UseSystemd());
        if (Environment.GetEnvironmentVariable("LISTEN_PID") == Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, "");

        // Settings are read from the final configuration (environment, command line, and in tests
        // WebApplicationFactory settings, which only exist once the app is built).
        builder.Services.AddSingleton(sp => ApiSettings.From(sp.GetRequiredService<IConfiguration>()));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
        builder.Services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(o => o.AddSchemaTransformer(OpenApiNumbers.DescribeAsNumbers));
        builder.Services.AddBroker();
        builder.Services.AddDatafeed();
        if (builder.Configuration[SpecEmitter.Key] is not null) builder.Services.AddSingleton<IServer, SpecEmitter.NoListening>();
    }

    /// <summary>Validates settings, maps the enabled modules and runs. Returns the exit code.</summary>
    public static int RunTradingApi(this WebApplication app)
    {
        ApiSettings settings;
        try
        {
            settings = app.Services.GetRequiredService<ApiSettings>();
        }
        catch (SettingsException ex)
        {
            Console.Error.WriteLine($"TradingApi failed to start: {ex.Message}");
            return 2;
        }

        app.UseInstanceHeader(settings.InstanceName);
        if (settings.OwnPort is { } ownPort) app.UseOneRequestPerConnectionOffPort(ownPort);
        app.UseRequestLogging();
        app.UseWebSockets();
        app.MapModules(settings);
        if (app.Configuration[SpecEmitter.Key] is { } folder) return SpecEmitter.WriteAsync(app, settings, folder).GetAwaiter().GetResult();
        app.Lifetime.ApplicationStarted.Register(() => LogStarted(app, settings));
        app.Run();
        return 0;
    }

    private static void UseInstanceHeader(this WebApplication app, string instance) =>
        app.Use((context, next) =>
        {
            context.Response.Headers["X-Instance"] = instance;
            return next(context);
        });

    /// <summary>
    /// A connection that came in on another port than the instance's own (the spare port nginx lists as
    /// the instance's <c>backup</c>, or the supervisor's health socket) serves one request and closes
    /// (<c>Connection: close</c>; WebSocket upgrades excepted). nginx sends a request to the spare only when
    /// the instance's port failed it, which happens when the instance is being replaced; a keepalive
    /// connection to the spare kept from one replacement would belong to the program the next one stops,
    /// so a request failing on the port could be retried on a connection that program is closing too,
    /// and fail twice (502; 2 of 40 back-to-back Restarts under load did, docs/performance.md). Closed after each answer,
    /// the retry always opens a new connection, which only the running program accepts.
    /// </summary>
    private static void UseOneRequestPerConnectionOffPort(this WebApplication app, int ownPort) =>
        app.Use((context, next) =>
        {
            if (context.Connection.LocalPort != ownPort && context.Features.Get<IHttpUpgradeFeature>() is not { IsUpgradableRequest: true })
                context.Response.Headers.Connection = "close";
            return next(context);
        });

    private static void MapModules(this WebApplication app, ApiSettings settings)
    {
        var api = app.MapGroup(settings.BaseUrl);
        foreach (var name in settings.Modules)
        {
            var module = ModuleCatalog.Get(name);
            var group = api.MapGroup("/" + module.Name).WithTags(module.Name);
            group.MapGet("/health", (TimeProvider clock) => new HealthResponse(
                    "ok", module.Name, settings.ApiVersion, settings.InstanceName, clock.GetUtcNow().UtcDateTime))
                .WithName($"{module.Name}_health")
                .WithSummary($"Health of the {module.Name} module on this instance");
            module.MapEndpoints(group);
            module.MapWebSocket(group);
        }
    }

    private static void LogStarted(WebApplication app, ApiSettings settings)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var port = addresses?.Select(a => Uri.TryCreate(a, UriKind.Absolute, out var uri) ? uri.Port.ToString() : a)
            .FirstOrDefault() ?? "(in-process)";
        app.Logger.LogInformation("Server started on port {Port} (instance {Instance}, modules {Modules}, base {BaseUrl})",
            port, settings.InstanceName, string.Join(",", settings.Modules), settings.BaseUrl);
    }
}

/// <summary>The health shape of the guide, one per module.</summary>
public sealed record HealthResponse(string Status, string ModuleName, string ApiVersion, string Instance, DateTime Timestamp);
