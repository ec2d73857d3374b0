using TradingApi.Broker;
using TradingApi.Core;
using TradingApi.Datafeed;

namespace TradingApi.Hosting;

/// <summary>Every module this backend knows, in mapping order; <c>core</c> is always enabled.</summary>
public static class ModuleCatalog
{
    public const string CoreName = "core";

    public static IReadOnlyList<IModule> All { get; } =
        [new CoreModule(), new BrokerModule(), new DatafeedModule()];

    public static IReadOnlyList<string> Names { get; } = All.Select(m => m.Name).ToArray();

    public static IModule Get(string name) =>
        All.First(m => string.Equals(m.Name, name, StringComparison.Ordinal));
}
