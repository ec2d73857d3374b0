using Orchestration.State;

namespace Orchestration.Supervision;

public sealed partial class Supervisor
{
    private IReadOnlyList<WatchRecord> WatchRecords() =>
        _plan.Watch.Select(w => new WatchRecord { Server = w.Server, Watching = false }).ToList();
}
