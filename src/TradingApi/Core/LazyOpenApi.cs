using System.Diagnostics.CodeAnalysis;
namespace TradingApi.Core;

/// <summary>
/// The OpenAPI document endpoint of <c>MapOpenApi</c>, made on its first request instead of at start.
/// <c>MapOpenApi</c> resolves the OpenAPI options when it is mapped, which in the Native AOT binary
/// builds their generic service types at run time: a tenth of an instance's CPU from exec to healthy
/// (issue 18, docs/performance.md). The endpoint answering is <c>MapOpenApi</c>'s own, mapped on the
/// same pattern on a detached route builder, so the document and its headers stay byte for byte the same.
/// </summary>
internal static class LazyOpenApi
{
    public static IEndpointConventionBuilder MapOpenApiOnFirstRequest(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern)
    {
        var services = endpoints.ServiceProvider;
        var handler = new Lazy<RequestDelegate>(() => Map(services, pattern));
        return endpoints.MapGet(pattern, context => handler.Value(context)).ExcludeFromDescription();
    }

    private static RequestDelegate Map(IServiceProvider services, string pattern)
    {
        var detached = new DetachedRoutes(services);
        detached.MapOpenApi(pattern);
        var endpoint = detached.DataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>().Single();
        return endpoint.RequestDelegate ?? throw new InvalidOperationException($"MapOpenApi({pattern}) made an endpoint without a request delegate");
    }

    /// <summary>A route builder whose endpoints no router sees: only their request delegates are used.</summary>
    private sealed class DetachedRoutes(IServiceProvider services) : IEndpointRouteBuilder
    {
        public IServiceProvider ServiceProvider => services;

        public ICollection<EndpointDataSource> DataSources { get; } = new List<EndpointDataSource>();

        public IApplicationBuilder CreateApplicationBuilder() => new ApplicationBuilder(services);
    }
}
