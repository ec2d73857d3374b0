using BuildGraph;
using Orchestration.Config;
using Serilog;

/// <summary>The deployment every target works on: <c>--config FILE</c> (default dev-config.yaml), loaded once.</summary>
partial class Build
{
    [Parameter("Deployment config file")]
    readonly string Config = "dev-config.yaml";

    DeploymentConfig? LoadedDeployment;
    readonly Dictionary<string, string> BuiltBackends = new();

    /// <summary>The validated deployment; ValidateConfig loads it (every target that needs it depends on ValidateConfig).</summary>
    DeploymentConfig Deployment => LoadedDeployment ?? throw new InvalidOperationException("ValidateConfig has not run");

    string ConfigPath => Path.GetFullPath(Config, Environment.CurrentDirectory);

    /// <summary>How to repeat the config on a command line we print: nothing for the default.</summary>
    string ConfigArgument => Config == "dev-config.yaml" ? "" : $" --config {Config}";

    string BundledProject => Path.Combine(RootDirectory, "src", "TradingApi", "TradingApi.csproj");

    static string Dotnet => Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";

    Target ValidateConfig => _ => _
        .Description("Load and check the deployment config; print every instance, or every error at once")
        .Executes(() =>
        {
            var result = ConfigLoader.Load(ConfigPath, new ConfigLoadOptions { BundledProject = BundledProject }, ScaledConfigText);
            if (!result.IsValid)
                throw new TargetFailedException($"{ConfigPath} has {result.Errors.Count} error(s); nothing was started or stopped:\n  " +
                    string.Join("\n  ", result.Errors));
            LoadedDeployment = result.Config!;
            Log.Information("Deployment {Config}: gateway {Listen}:{Port}, local_dir {Local}", Path.GetRelativePath(Environment.CurrentDirectory, ConfigPath),
                Deployment.Nginx.Listen, Deployment.Nginx.Port, Path.GetRelativePath(Environment.CurrentDirectory, Deployment.LocalDir));
            foreach (var instance in Deployment.Instances)
                Log.Information("  {Name,-14} 127.0.0.1:{Port}  modules {Modules}{Reload}", instance.Name, instance.Port,
                    string.Join(",", instance.Modules), instance.Server.Reload ? "  (reload on change)" : "");
        });
}
