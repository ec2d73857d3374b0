namespace TradingApi.Hosting;

/// <summary>
/// One module of the backend (core, broker, datafeed). The host maps <c>{base}/{Name}/health</c>
/// for every enabled module, then lets the module add its own routes under <c>{base}/{Name}</c>.
/// </summary>
public interface IModule
{
    string Name { get; }

    /// <summary>Short human description, shown by <c>core/versions</c> and the docs page.</summary>
    string Description { get; }

    void MapEndpoints(RouteGroupBuilder group);

    /// <summary>Maps <c>{base}/{Name}/ws</c> when the module streams; most modules do not.</summary>
    void MapWebSocket(RouteGroupBuilder group)
    {
    }

    /// <summary>The routes of <c>{base}/{Name}/ws</c> (empty when the module does not stream), for the AsyncAPI document.</summary>
    IReadOnlyList<WebSockets.IWsTopic> WsTopics(IServiceProvider services) => [];
}
