using System.Diagnostics;
using Orchestration.Packages;

namespace Orchestration.Swarm;

/// <summary>
/// Makes a Docker engine with a single-node swarm available, as EnsureNginx makes nginx available:
/// installs Debian's docker.io when it is missing and this process may (root with apt-get), starts
/// <c>dockerd</c> detached (its own session, its log in <see cref="DaemonLog"/>) when nothing answers,
/// waits until <c>docker info</c> does, and runs <c>docker swarm init --advertise-addr 127.0.0.1</c>
/// when the engine is in no swarm. It touches nothing else: no container, service or network.
/// </summary>
public sealed class DockerEngine(PackageInstaller packages, Func<string, string?> which, Action<string> log)
{
    /// <summary>Where a dockerd we start writes its log.</summary>
    public const string DaemonLog = "/var/log/orchestration/dockerd.log";

    /// <summary>Where dockerd writes its pid (its default <c>--pidfile</c>); it refuses to start while the file exists.</summary>
    public const string PidFile = "/var/run/docker.pid";

    private static readonly TimeSpan DaemonStartBudget = TimeSpan.FromSeconds(60);

    public static DockerEngine ForThisMachine(Action<string> log) =>
        new(PackageInstaller.ForThisMachine(log), PackageInstaller.Which, log);

    /// <exception cref="DockerException">The engine cannot be had here, with the reason and the fix.</exception>
    public async Task<DockerCli> EnsureAsync(CancellationToken cancellationToken)
    {
        var dockerd = which("dockerd") ?? FirstExisting("/usr/sbin/dockerd", "/usr/bin/dockerd");
        if (dockerd is null)
        {
            if (!packages.CanInstall)
                throw new DockerException($"the Docker engine (dockerd) is not installed. Fix: install it with `{packages.InstallCommand("docker.io", "docker")}` and run again.");
            log("the Docker engine is not installed; installing it with apt-get (docker.io) ...");
            dockerd = await packages.InstallAsync(["docker.io"], () => FirstExisting("/usr/sbin/dockerd", "/usr/bin/dockerd"), cancellationToken).ConfigureAwait(false)
                ?? throw new DockerException("apt-get could not install docker.io. Fix: run `apt-get install -y docker.io` and read its error.");
        }
        var docker = DockerCli.Find(which)
            ?? throw new DockerException("dockerd is installed but the docker client is not. Fix: `apt-get install -y docker.io`.");

        if (!await AnswersAsync(docker, cancellationToken).ConfigureAwait(false))
        {
            if (!Processes.Posix.IsRoot)
                throw new DockerException($"the Docker engine is not running and this user cannot start it. Fix: start it (`sudo systemctl start docker` or `sudo {dockerd} &`) or add this user to the docker group.");
            switch (StalePidFile(PidFile))
            {
                case { Stale: true, Why: var why }:
                    // A dockerd that was killed leaves its pid file, and refuses to start again while it is there.
                    File.Delete(PidFile);
                    log($"removed {PidFile}: {why}");
                    break;
                case { Stale: false, Why: { } running }:
                    throw new DockerException($"{running}, but it does not answer on its socket. Fix: see its log ({DaemonLog}, or `journalctl -u docker`), or stop it and run again.");
            }
            var logStart = File.Exists(DaemonLog) ? new FileInfo(DaemonLog).Length : 0;
            using var daemon = StartDaemon(dockerd);
            log($"started dockerd (log: {DaemonLog}); waiting for it to answer ...");
            var clock = Stopwatch.StartNew();
            while (!await AnswersAsync(docker, cancellationToken).ConfigureAwait(false))
            {
                if (daemon.HasExited)
                    throw new DockerException($"dockerd exited with code {daemon.ExitCode} at its start:\n{LogSince(logStart)}");
                if (clock.Elapsed > DaemonStartBudget)
                    throw new DockerException($"dockerd did not answer within {DaemonStartBudget.TotalSeconds:0} s. Its log since it was started ({DaemonLog}):\n{LogSince(logStart)}");
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
            log($"dockerd answers after {clock.Elapsed.TotalSeconds:0.0} s");
        }

        var swarm = (await docker.RunAsync(["info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}"], cancellationToken).ConfigureAwait(false)).Trim();
        if (swarm.StartsWith("inactive", StringComparison.Ordinal))
        {
            log("the engine is in no swarm; initialising a single-node swarm (docker swarm init --advertise-addr 127.0.0.1)");
            await docker.RunAsync(["swarm", "init", "--advertise-addr", "127.0.0.1"], cancellationToken).ConfigureAwait(false);
        }
        else if (!swarm.EndsWith("true", StringComparison.Ordinal))
        {
            throw new DockerException($"this engine's swarm state is '{swarm}' and it is not a manager. Fix: run on a manager node, or `docker swarm leave` and run again to get a single-node swarm.");
        }
        return docker;
    }

    private static async Task<bool> AnswersAsync(DockerCli docker, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            var result = await docker.TryAsync(["info", "--format", "{{.ServerVersion}}"], timeout.Token).ConfigureAwait(false);
            return result.ExitCode == 0 && result.StandardOutput.Trim().Length > 0;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether dockerd's pid file names no running dockerd: the pid is gone, or now another program's.
    /// Stale: false with a reason when a dockerd runs under that pid; no reason when there is no file.
    /// </summary>
    public static (bool Stale, string? Why) StalePidFile(string path)
    {
        if (!File.Exists(path)) return (false, null);
        var text = File.ReadAllText(path).Trim();
        if (!int.TryParse(text, out var pid) || pid <= 0) return (true, $"it holds '{text}', not a pid");
        var info = Processes.ProcInfo.Read(pid);
        if (info is null || info.HasExited) return (true, $"pid {pid} is not running (a dockerd that was killed left it)");
        var program = Path.GetFileName(info.Executable ?? (info.Argv.Count > 0 ? info.Argv[0] : ""));
        return program == "dockerd"
            ? (false, $"dockerd runs as pid {pid} ({path})")
            : (true, $"pid {pid} is now another program ({program}), not dockerd");
    }

    /// <summary>The last lines the daemon log got from <paramref name="offset"/> on (what this start wrote).</summary>
    private static string LogSince(long offset)
    {
        if (!File.Exists(DaemonLog)) return "(no log)";
        using var stream = new FileStream(DaemonLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
        var lines = new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length == 0 ? "(nothing written)" : string.Join('\n', lines.TakeLast(20));
    }

    /// <summary>dockerd in a session of its own (setsid), so it outlives this build and any test run.</summary>
    private static Process StartDaemon(string dockerd)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DaemonLog)!);
        var start = new ProcessStartInfo("setsid")
        {
            ArgumentList = { "sh", "-c", $"exec \"$0\" >>{DaemonLog} 2>&1 </dev/null", dockerd },
            UseShellExecute = false,
        };
        return Process.Start(start) ?? throw new DockerException("could not start setsid to run dockerd");
    }

    private static string? FirstExisting(params string[] paths) => paths.FirstOrDefault(File.Exists);
}
