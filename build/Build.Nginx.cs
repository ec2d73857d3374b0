using BuildGraph;
using Orchestration.IO;
using Orchestration.Lifecycle;
using Orchestration.Nginx;
using Orchestration.Processes;
using Orchestration.Supervision;
using Serilog;

/// <summary>The gateway: find or install nginx, render and prove its config, reload it.</summary>
partial class Build
{
    [Parameter("GenerateNginx: where to write the config (default <local_dir>/nginx.conf)")]
    readonly string? Output;

    [Parameter("GenerateNginx: check the written config with the real nginx -t")]
    readonly bool Validate;

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
            var output = Output is null ? Deployment.Paths.NginxConf : Path.GetFullPath(Output, Environment.CurrentDirectory);
            // Watch mode's spare ports go in as backup servers, so a reload never needs nginx reloaded.
            Spares = Deployment.Servers.Any(s => s.Reload) ? SparePorts.Reserve(Deployment) : null;
            var text = NginxConfigRenderer.Render(Deployment, new NginxRenderOptions { User = Posix.IsRoot ? "root" : null, SparePorts = Spares });
            AtomicFile.WriteAllText(output, text);
            Log.Information("Wrote {Output}", Path.GetRelativePath(Environment.CurrentDirectory, output));
            if (!Validate && NginxBinary is null) return;
            var binary = NginxBinary ?? NginxLocator.Find(Deployment.Nginx.Binary)
                ?? throw new TargetFailedException("--validate needs nginx, which was not found; run ./build.sh EnsureNginx");
            var check = await NginxValidator.ValidateAsync(binary, output, Deployment.Paths, ct);
            if (!check.Success) throw new TargetFailedException($"{output} is not a valid nginx config:\n{check.Message}");
            Log.Information("nginx -t: {Output} is valid", Path.GetRelativePath(Environment.CurrentDirectory, output));
        });

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
