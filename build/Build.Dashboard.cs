using BuildGraph;
using Orchestration.Lifecycle;
using Orchestration.Supervision;
using Serilog;

/// <summary>Dashboard: the supervisor's live page, its URL printed (and opened where a browser is).</summary>
partial class Build
{
    [Parameter("Dashboard: only print the URL, do not open a browser")]
    readonly bool NoOpen;

    Target Dashboard => _ => _
        .Description("Print the URL of the live dashboard (every process, per-instance figures, streaming logs, watch builds, restart and scale buttons), served by the supervisor on 127.0.0.1 with a token; opens it where a browser is")
        .DependsOn(ValidateConfig)
        .Executes(async ct =>
        {
            if (!RunningStack.IsUp(Deployment.Paths))
                throw new TargetFailedException($"Nothing of {Deployment.ConfigPath} is running, and the dashboard is served by its supervisor; run ./build.sh Start{ConfigArgument}");
            // The buttons run this same build program's targets, as the developer would.
            var (host, entry) = SupervisorProgram.ThisProgram();
            string[] program = SupervisorProgram.Command(host, Path.Combine(AppContext.BaseDirectory, entry));
            var answer = await new ControlClient(Deployment.Paths.ControlSocket)
                .SendAsync(new ControlRequest(ControlCommands.Dashboard, Name: RootDirectory, Names: program), TimeSpan.FromSeconds(10), ct);
            if (answer is not { Ok: true, Url: { } url })
                throw new TargetFailedException($"The supervisor did not start the dashboard: {answer?.Error ?? "no answer on " + Deployment.Paths.ControlSocket}");
            Console.Out.WriteLine(url);
            Log.Information("Dashboard above (127.0.0.1 only; the token in it is the key, keep it to yourself)"); // not in the build's log file
            if (!NoOpen && OpenBrowser(url)) Log.Information("Opened it in your browser");
        });

    /// <summary>xdg-open (or open on macOS) where a desktop session is; false where none is (a server, CI, ssh).</summary>
    static bool OpenBrowser(string url)
    {
        var opener = OperatingSystem.IsMacOS() ? "open" : "xdg-open";
        if (!OperatingSystem.IsMacOS() && Environment.GetEnvironmentVariable("DISPLAY") is null && Environment.GetEnvironmentVariable("WAYLAND_DISPLAY") is null) return false;
        var path = Environment.GetEnvironmentVariable("PATH")?.Split(':').Select(d => Path.Combine(d, opener)).FirstOrDefault(File.Exists);
        if (path is null) return false;
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(path, url) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true });
            return process is not null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
