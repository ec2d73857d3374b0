using Orchestration.IO;
namespace Orchestration.Processes;

/// <summary>After a stop: every port of the deployment must be free again (nothing of ours still holds one).</summary>
public static class PortRelease
{
    public sealed record BusyPort(int Port, IReadOnlyList<PortOwners.Owner> Owners)
    {
        public override string ToString() => Owners.Count == 0
            ? $"port {Port} is still in use"
            : $"port {Port} is still held by {string.Join(", ", Owners)}";
    }

    /// <summary>Polls until every port can be bound, up to <paramref name="limit"/> (default 1 s); returns the ones still taken.</summary>
    public static async Task<IReadOnlyList<BusyPort>> WaitFreeAsync(IEnumerable<(int Port, string Address)> ports, CancellationToken cancellationToken, TimeSpan? limit = null)
    {
        var pending = ports.Where(p => p.Port > 0).Distinct().ToList();
        await Poll.UntilAsync(() => (pending = pending.Where(p => !PortProbe.IsFree(p.Port, BindAddress(p.Address))).ToList()).Count == 0,
            limit ?? TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
        return pending.Select(p => new BusyPort(p.Port, PortOwners.Find(p.Port))).ToList();
    }

    public static string BindAddress(string address) => address is "*" or "" ? "0.0.0.0" : address;
}
