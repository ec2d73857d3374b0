using System.Text.Json.Serialization;
using TradingApi.Broker;
using TradingApi.Core;
using TradingApi.Datafeed;
using TradingApi.WebSockets;

namespace TradingApi.Hosting;

/// <summary>
/// Compile-time JSON metadata for every type the API reads or writes, REST and WebSocket alike, so
/// the Native AOT build needs no reflection. It is the only resolver in the JIT build too (see
/// <see cref="HostingExtensions.ConfigureJson"/>): a type missing here fails the same way in both
/// builds, and the in-process tests find it. Naming, null handling and enum converters come from
/// the runtime options, as before. A handler declared to return an interface (IReadOnlyList&lt;Order&gt;)
/// is written by its runtime type (Order[]), so both are listed.
/// </summary>
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(VersionResponse))]
[JsonSerializable(typeof(VersionsResponse))]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(IReadOnlyList<Order>))]
[JsonSerializable(typeof(Order[]))]
[JsonSerializable(typeof(Position))]
[JsonSerializable(typeof(IReadOnlyList<Position>))]
[JsonSerializable(typeof(Position[]))]
[JsonSerializable(typeof(Execution))]
[JsonSerializable(typeof(IReadOnlyList<Execution>))]
[JsonSerializable(typeof(Execution[]))]
[JsonSerializable(typeof(Account))]
[JsonSerializable(typeof(PlaceOrderRequest))]
[JsonSerializable(typeof(ModifyOrderRequest))]
[JsonSerializable(typeof(PositionUpdate))]
[JsonSerializable(typeof(DatafeedConfig))]
[JsonSerializable(typeof(SearchResult[]))]
[JsonSerializable(typeof(SymbolInfo))]
[JsonSerializable(typeof(BarsResponse))]
[JsonSerializable(typeof(Bar))]
[JsonSerializable(typeof(QuotesResponse))]
[JsonSerializable(typeof(Quote[]))]
[JsonSerializable(typeof(WsEnvelope))]
[JsonSerializable(typeof(WsSubscribeResponse))]
[JsonSerializable(typeof(WsError))]
[JsonSerializable(typeof(WsUpdate))]
[JsonSerializable(typeof(WsPong))]
internal sealed partial class TradingApiJsonContext : JsonSerializerContext;
