using Orchestration.Dashboard;

namespace Orchestration.Supervision;

/// <summary>The dashboard part: started on the first <c>dashboard</c> request, never before (an unused dashboard costs nothing).</summary>
public sealed partial class Supervisor
{
    private DashboardServer? _dashboard;
    private readonly Lock _dashboardGate = new();

    /// <summary>The dashboard's URL with its token; <paramref name="buildProgram"/> is how its buttons run targets.</summary>
    public string Dashboard(IReadOnlyList<string> buildProgram, string workingDirectory)
    {
        lock (_dashboardGate)
        {
            if (_dashboard is null) _dashboard = new DashboardServer(_context.Plan.ConfigPath, _context.Paths, buildProgram, workingDirectory);
            else
            {
                _dashboard.BuildProgram = buildProgram; // the newest build program asked last
                _dashboard.WorkingDirectory = workingDirectory;
            }
            Logs.Event($"Dashboard on http://127.0.0.1:{_dashboard.Port}/ (the URL with its token went to the control socket's owner)");
            return _dashboard.Url;
        }
    }
}
