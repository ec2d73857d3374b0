using BuildGraph;
using Orchestration.IO;
using Orchestration.Lifecycle;
using Orchestration.Nginx;
using Orchestration.Specs;
using Orchestration.Processes;
using Orchestration.Supervision;
using Serilog;

/// <summary>The gateway: find or install nginx, render and prove its config, reload it.</summary>
partial class Build
{
    [Parameter("GenerateNginx: where to write the config (default <local_dir>/nginx.conf); ExportKubernetes: the folder for the manifests (default k8s)")]
    readonly string? Output;

    [Parameter("GenerateNginx: check the written config with the real nginx -t")]
    readonly bool Validate;

    [Parameter("DevCert: folder for the certificate and its key (default certs/ next to the config)")]
    readonly string? CertDir;

    string? NginxBinary;
    IReadOnlyDictionary<string, int>? Spares;

    Target EnsureNginx => _ => _
        .Description("Find nginx (config, NGINX_BINARY, PATH, usual places); install it with apt-get when root")
        .Executes(async ct =>
        {
            var configured = LoadedDeployment?.Nginx.Binary;
            var result = await NginxInstaller.ForThisMachine(line => Log.Information("{Line}", line)).EnsureAsync(configured, ct);
            NginxBinary = result.Binary ?? throw new TargetFailedException(result.Error ?? "nginx was not found");
            Log.Information("nginx: {Binary}{Installed}", NginxBinary, result.Installed ? " (installed now)" : "");
        });

    Target GenerateNginx => _ => _
        .Description("Render the gateway config from the deployment (--output FILE, --validate runs nginx -t)")
        .DependsOn(ValidateConfig)
        .After(EnsureNginx)
        .Executes(async ct =>
        {
            // A running nginx keeps the config it runs on disk (its crash restart reads it): the next
            // one waits beside it until the supervisor reloads nginx onto it.
            var output = Output is not null ? Path.GetFullPath(Output, Environment.CurrentDirectory)
                : RunningStack.IsUp(Deployment.Paths) ? Deployment.Paths.NextNginxConf : Deployment.Paths.NginxConf;
            // Every instance's spare port goes in as a backup server: a watch reload or a rolling
            // Restart starts the replacement there, and nginx never needs a reload for it.
            Spares = SparePorts.Reserve(Deployment);
            var workers = NginxWorkersOrFail();
            var binary = NginxBinary ?? NginxLocator.Find(Deployment.Nginx.Binary);
            // Start's plan needs nginx's version (nginx -v): it runs beside rendering and nginx -t instead of after them.
            if (NginxBinary is not null) NginxVersion.StartProbe(NginxBinary);
            // Only a TLS listener says http2; without one, Start spares itself running nginx -V.
            var http2 = binary is null || Deployment.Nginx.Tls is null ? Http2Syntax.None : NginxVersion.Http2(await NginxVersion.ProbeBuildAsync(binary, ct));
            var text = NginxConfigRenderer.Render(Deployment, new NginxRenderOptions
            {
                Workers = workers, Http2 = http2, SparePorts = Spares,
                SpecFiles = Deployment.Specs.Enabled ? SpecServing.Folder(Deployment, workers) : null,
            });
            AtomicFile.WriteAllText(output, text);
            Log.Information("Wrote {Output} (workers run as {User})", Path.GetRelativePath(Environment.CurrentDirectory, output), workers.User ?? Environment.UserName);
            if (!Validate && NginxBinary is null) return;
            if (binary is null) throw new TargetFailedException("--validate needs nginx, which was not found; run ./build.sh EnsureNginx");
            var check = await NginxValidator.ValidateAsync(binary, output, Deployment.Paths, workers, ct);
            if (!check.Success) throw new TargetFailedException($"{output} is not a valid nginx config:\n{check.Message}");
            Log.Information("nginx -t: {Output} is valid", Path.GetRelativePath(Environment.CurrentDirectory, output));
        });

    Target DevCert => _ => _
        .Description("Make a self-signed certificate for a local HTTPS gateway (certs/dev-cert.pem and dev-key.pem next to the config)")
        .Executes(() =>
        {
            var configFolder = Path.GetDirectoryName(ConfigPath)!;
            var folder = CertDir is null ? Path.Combine(configFolder, "certs") : Path.GetFullPath(CertDir, Environment.CurrentDirectory);
            var files = DevCertificate.Create(Path.Combine(folder, "dev-cert.pem"), Path.Combine(folder, "dev-key.pem"), [Environment.MachineName], TimeSpan.FromDays(365));
            Log.Information("Wrote {Cert} and {Key} (owner-only), valid until {Until:yyyy-MM-dd}, SHA-1 {Thumbprint}",
                files.Certificate, files.Key, files.NotAfter, files.Thumbprint);
            Log.Information("Serve the gateway over HTTPS with, in {Config}:\n  nginx:\n    tls:\n      cert: {CertRel}\n      key: {KeyRel}",
                Path.GetFileName(ConfigPath), Path.GetRelativePath(configFolder, files.Certificate), Path.GetRelativePath(configFolder, files.Key));
            Log.Information("Clients must trust it explicitly (curl --cacert {Cert}); it is for this machine only.", files.Certificate);
        });

    /// <summary>As root, workers run as nginx.user (an unprivileged account); a missing account is the config's error.</summary>
    NginxWorkers NginxWorkersOrFail()
    {
        try
        {
            return NginxWorkers.For(Deployment, Posix.IsRoot);
        }
        catch (InvalidOperationException ex)
        {
            throw new TargetFailedException(ex.Message);
        }
    }

    Target ReloadNginx => _ => _
        .Description("Regenerate the gateway config, prove it with nginx -t and reload the running nginx gracefully (SIGHUP)")
        .DependsOn(EnsureNginx, GenerateNginx)
        .Executes(async ct =>
        {
            var answer = await new ControlClient(Deployment.Paths.ControlSocket).SendAsync(new ControlRequest(ControlCommands.ReloadNginx), TimeSpan.FromSeconds(5), ct);
            if (answer is not { Ok: true }) throw new TargetFailedException($"Could not reload nginx: {answer?.Error ?? "the stack is not running"}");
            Log.Information("nginx reloaded with the new config");
        });
}
