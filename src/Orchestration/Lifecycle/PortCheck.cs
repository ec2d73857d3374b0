using Orchestration.Config;
using Orchestration.Processes;

namespace Orchestration.Lifecycle;

/// <summary>
/// ValidatePorts: every port of the deployment must be free. A foreign holder is reported with pid,
/// user and command line and left alone (DESIGN rule 2).
/// </summary>
public static class PortCheck
{
    public sealed record Conflict(string Owner, int Port, IReadOnlyList<PortOwners.Owner> Holders)
    {
        public override string ToString() => Holders.Count == 0
            ? $"{Owner}: port {Port} is in use (holder not visible to this user; try: ss -ltnp 'sport = :{Port}')"
            : $"{Owner}: port {Port} is in use by {string.Join(", ", Holders)}";
    }

    public static IReadOnlyList<Conflict> Find(DeploymentConfig config)
    {
        var wanted = config.Instances.Select(i => (Owner: i.Name, i.Port, Address: "127.0.0.1"))
            .Prepend((Owner: "nginx", config.Nginx.Port, Address: PortRelease.BindAddress(config.Nginx.Listen)));
        return wanted.Where(w => !PortProbe.IsFree(w.Port, w.Address))
            .Select(w => new Conflict(w.Owner, w.Port, PortOwners.Find(w.Port)))
            .ToList();
    }
}
