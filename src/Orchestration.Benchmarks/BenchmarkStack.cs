using Orchestration.Config;
using Orchestration.Processes;
using Orchestration.State;

namespace Orchestration.Benchmarks;

/// <summary>
/// A deployment in a temp folder of its own, on ports picked at run time (never the user's), driven
/// through the real build program. Disposing it runs Stop and then, as a last resort, ends by process
/// group whatever it ever recorded that is still provably ours (same pid, start time and argv).
/// </summary>
public sealed class BenchmarkStack : IAsyncDisposable
{
    private readonly BenchmarkContext _context;
    private readonly List<ProcessRecord> _seen = [];

    private BenchmarkStack(BenchmarkContext context, string directory, string yaml, IReadOnlyList<int> ports)
    {
        _context = context;
        Directory = directory;
        Ports = ports;
        ConfigPath = Path.Combine(directory, "dev-config.yaml");
        File.WriteAllText(ConfigPath, yaml);
        Cli = context.Cli(ConfigPath);
        Paths = new LocalPaths(Path.Combine(directory, ".local"));
    }

    public string Directory { get; }
    public string ConfigPath { get; }
    public IReadOnlyList<int> Ports { get; }
    public BuildProgramRunner Cli { get; }
    public LocalPaths Paths { get; }

    /// <summary>The gateway port.</summary>
    public int Gateway => Ports[0];

    /// <summary>
    /// The default layout of dev-config.yaml (broker: core+broker, datafeed: core+datafeed, one instance each,
    /// reload on, socket hand-off on) on free ports. Ports[1] is broker-0, Ports[2] datafeed-0 (with room to scale datafeed to 3).
    /// </summary>
    public static BenchmarkStack Default(BenchmarkContext context) => Create(context, [1, 1, 3], p => $"""
        # Benchmark stack: the layout of dev-config.yaml on free ports.
        api_base_url: "/api/v1"
        nginx:
          port: {p[0]}
          worker_processes: 1
          worker_connections: 1024
        servers:
          broker:
            port: {p[1]}
            instances: 1
            modules: [core, broker]
            reload: true
            socket_handoff: true
          datafeed:
            port: {p[2]}
            instances: 1
            modules: [core, datafeed]
            reload: true
            socket_handoff: true
        websocket:
          routing_strategy: "path"
          query_param_name: "type"
        websocket_routes:
          broker: broker
          datafeed: datafeed
        """);

    /// <summary>A copy of <paramref name="subject"/> in the stack's folder, with watch mode on.</summary>
    public static BenchmarkStack Watched(BenchmarkContext context, WatchSubject subject, int instances)
    {
        var directory = Path.Combine(Path.GetTempPath(), "orch-bench-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(directory);
        var ports = PortProbe.PickFreeBlocks([1, instances]);
        return new BenchmarkStack(context, directory, subject.Prepare(directory, ports[0], ports[1], instances), ports);
    }

    /// <summary>One server (core+broker) with <paramref name="instances"/> instances, reload off, JIT (the native rows are NativeAotBenchmark's).</summary>
    public static BenchmarkStack Scaled(BenchmarkContext context, int instances) => Create(context, [1, instances], p => $"""
        # Benchmark stack: one server with {instances} instance(s) on free ports.
        api_base_url: "/api/v1"
        nginx:
          port: {p[0]}
        servers:
          broker:
            port: {p[1]}
            instances: {instances}
            modules: [core, broker]
            reload: false
            publish: jit
        """);

    /// <summary>
    /// The layout of prod-config.yaml (broker and datafeed, reload off, nginx workers per core) with
    /// <paramref name="perServer"/> instances per server, built <paramref name="publish"/> (aot or jit), on free ports.
    /// </summary>
    public static BenchmarkStack Production(BenchmarkContext context, int perServer, string publish) => Create(context, [1, perServer, perServer], p => $"""
        # Benchmark stack: prod-config.yaml's layout, {perServer} instance(s) per server, publish: {publish}, on free ports.
        api_base_url: "/api/v1"
        nginx:
          port: {p[0]}
          worker_processes: auto
          worker_connections: 4096
        servers:
          broker:
            port: {p[1]}
            instances: {perServer}
            modules: [core, broker]
            reload: false
            publish: {publish}
            socket_handoff: true
          datafeed:
            port: {p[2]}
            instances: {perServer}
            modules: [core, datafeed]
            reload: false
            publish: {publish}
            socket_handoff: true
        websocket_routes:
          broker: broker
          datafeed: datafeed
        health:
          attempts: 60
        """);

    private static BenchmarkStack Create(BenchmarkContext context, int[] blocks, Func<IReadOnlyList<int>, string> yaml)
    {
        var directory = Path.Combine(Path.GetTempPath(), "orch-bench-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(directory);
        var ports = PortProbe.PickFreeBlocks(blocks);
        return new BenchmarkStack(context, directory, yaml(ports), ports);
    }

    public Task<CliRun> RunAsync(string target, CancellationToken cancellationToken) => RunAsync(target, null, cancellationToken);

    /// <summary>Runs a target; remembers every process the stack then records, for the last-resort cleanup.</summary>
    public Task<CliRun> RunAsync(string target, IReadOnlyList<string>? extra, CancellationToken cancellationToken) =>
        RunAsync(Cli, target, extra, cancellationToken);

    /// <summary>The same through another build program (the JIT one, for the before/after rows).</summary>
    public async Task<CliRun> RunAsync(BuildProgramRunner cli, string target, IReadOnlyList<string>? extra, CancellationToken cancellationToken)
    {
        try
        {
            return await cli.RunAsync(target, extra, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Remember();
        }
    }

    /// <summary>Start then Stop, <paramref name="runs"/> times: each one's wall time, and the instances' summed RSS right after each Start.</summary>
    public async Task<StartStopRuns> StartStopAsync(int runs, CancellationToken cancellationToken)
    {
        var starts = new List<double>();
        var stops = new List<double>();
        var rss = new List<double>();
        var instancesCpu = new List<double>();
        var supervisorCpu = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            starts.Add((await RunAsync("Start", cancellationToken).ConfigureAwait(false)).EnsureOk().Elapsed.TotalSeconds);
            var state = State();
            var instances = state?.Processes.Where(p => p.Kind == ProcessKind.Instance).ToList() ?? [];
            rss.Add(instances.Select(p => p.Identity.FindAlive()).OfType<ProcInfo>().Sum(i => i.RssKb / 1024.0));
            instancesCpu.Add(instances.Sum(p => CpuSeconds(p.Pid)));
            supervisorCpu.Add(state is null ? 0 : CpuSeconds(state.Supervisor.Pid));
            stops.Add((await RunAsync("Stop", cancellationToken).ConfigureAwait(false)).EnsureOk().Elapsed.TotalSeconds);
        }
        return new StartStopRuns(Samples.Of(starts), Samples.Of(stops), Samples.Of(rss), Samples.Of(instancesCpu), Samples.Of(supervisorCpu));
    }

    /// <summary>
    /// The CPU time (user + system, s) a process has used so far, from /proc/&lt;pid&gt;/stat (fields 14 and 15, in
    /// clock ticks of 1/100 s); 0 when it is gone. Unlike wall time, it hardly moves with the machine's load.
    /// </summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    /// <summary>What state.json records right now (null when nothing runs).</summary>
    public DeploymentState? State() => new StateStore(Paths).Load();

    private void Remember()
    {
        if (State() is not { } state) return;
        foreach (var p in state.Processes.Append(state.Supervisor))
        {
            if (p.Pid > 0 && !_seen.Any(s => s.Pid == p.Pid && s.StartTicks == p.StartTicks)) _seen.Add(p);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            Remember();
            if (_seen.Count > 0 || File.Exists(Paths.State))
            {
                var stop = await Cli.RunAsync("Stop", ["--timeout", "1"], CancellationToken.None).ConfigureAwait(false);
                if (!stop.Ok) _context.Log($"Stop of the benchmark stack in {Directory} exited with {stop.ExitCode}:\n{stop.Output}");
            }
        }
        finally
        {
            foreach (var p in _seen)
            {
                if (p.Identity.FindAlive() is null) continue;
                _context.Log($"Last-resort cleanup: ending {p.Name} (pid {p.Pid}, group {p.ProcessGroup})");
                Posix.KillGroup(p.ProcessGroup, Posix.SIGKILL);
            }
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

/// <summary>
/// Start and Stop wall times (s), and right after each Start the instances' RSS (MB, summed) and the CPU time
/// (s) the instances (summed) and the supervisor have used since they started.
/// </summary>
public sealed record StartStopRuns(Samples Start, Samples Stop, Samples RssMb, Samples InstancesCpu, Samples SupervisorCpu);
