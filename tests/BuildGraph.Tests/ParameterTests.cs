using BuildGraph.Parameters;

namespace BuildGraph.Tests;

public class ParameterTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    private sealed class Settings
    {
        [Parameter("Deployment config file")] public string Config = "dev-config.yaml";
        [Parameter("Seconds to wait")] public int StopTimeout = 3;
        [Parameter] public double Ratio = 0.5;
        [Parameter] public bool Json;
        [Parameter] public Level Verbosity = Level.Normal;
        [Parameter] public string[] Servers = [];
        [Parameter] public int[] Ports = [];
        [Parameter] public int? Instances;
        [Parameter(Name = "Env")] public string? Environment;
    }

    private enum Level { Quiet, Normal, Verbose }

    private static (Settings Settings, BindingResult Result) Bind(
        string[] args, Dictionary<string, string>? environment = null, string? json = null)
    {
        var settings = new Settings();
        var parameters = ParameterDescriptor.Discover(settings);
        var result = new ParameterBinder(parameters).Bind(CommandLine.Parse(args), environment ?? NoEnvironment, json);
        foreach (var (parameter, value) in result.Values)
            parameter.Set(value);
        return (settings, result);
    }

    [Fact]
    public void Unbound_parameters_keep_their_initial_values()
    {
        var (settings, result) = Bind([]);

        Assert.Empty(result.Errors);
        Assert.Equal("dev-config.yaml", settings.Config);
        Assert.Equal(3, settings.StopTimeout);
    }

    [Theory]
    [InlineData("--stop-timeout")]
    [InlineData("--StopTimeout")]
    [InlineData("--stoptimeout")]
    [InlineData("--stop_timeout")]
    public void Option_names_match_regardless_of_case_and_dashes(string option)
    {
        var (settings, _) = Bind([option, "7"]);

        Assert.Equal(7, settings.StopTimeout);
    }

    [Fact]
    public void The_command_line_wins_over_environment_and_json()
    {
        var (settings, _) = Bind(["--config", "arg.yaml"], new() { ["CONFIG"] = "env.yaml" }, """{ "Config": "json.yaml" }""");

        Assert.Equal("arg.yaml", settings.Config);
    }

    [Fact]
    public void The_environment_wins_over_json()
    {
        var (settings, _) = Bind([], new() { ["STOP_TIMEOUT"] = "9", ["Config"] = "env.yaml" }, """{ "stop-timeout": 4, "Config": "json.yaml" }""");

        Assert.Equal(9, settings.StopTimeout);
        Assert.Equal("env.yaml", settings.Config);
    }

    [Fact]
    public void Json_wins_over_the_initial_value_with_kebab_or_pascal_keys()
    {
        var (settings, result) = Bind([], json: """{ "$schema": "./build.schema.json", "stop-timeout": 4, "Servers": ["api", "web"], "Json": true }""");

        Assert.Empty(result.Errors);
        Assert.Equal(4, settings.StopTimeout);
        Assert.Equal(["api", "web"], settings.Servers);
        Assert.True(settings.Json);
    }

    [Fact]
    public void Values_convert_to_each_supported_type()
    {
        var (settings, result) = Bind(
        [
            "--ratio", "1.25", "--verbosity", "VERBOSE", "--servers", "api", "web", "--ports", "8080", "8081",
            "--instances", "2", "--env", "staging",
        ]);

        Assert.Empty(result.Errors);
        Assert.Equal(1.25, settings.Ratio);
        Assert.Equal(Level.Verbose, settings.Verbosity);
        Assert.Equal(["api", "web"], settings.Servers);
        Assert.Equal([8080, 8081], settings.Ports);
        Assert.Equal(2, settings.Instances);
        Assert.Equal("staging", settings.Environment);
    }

    [Fact]
    public void A_bool_alone_is_a_flag_and_takes_an_explicit_false()
    {
        Assert.True(Bind(["--json"]).Settings.Json);
        Assert.False(Bind(["--json", "false"], new() { ["JSON"] = "true" }).Settings.Json);
    }

    [Fact]
    public void Words_after_a_scalar_or_flag_are_targets()
    {
        var (settings, result) = Bind(["--json", "Status", "--config", "x.yaml", "Start"]);

        Assert.True(settings.Json);
        Assert.Equal("x.yaml", settings.Config);
        Assert.Equal(["Status", "Start"], result.ExtraTargets);
    }

    [Fact]
    public void Environment_arrays_split_on_spaces()
    {
        var (settings, _) = Bind([], new() { ["PORTS"] = "80 443" });

        Assert.Equal([80, 443], settings.Ports);
    }

    [Fact]
    public void A_bad_value_names_the_parameter_the_value_and_the_type()
    {
        var (_, result) = Bind(["--stop-timeout", "soon"]);

        Assert.Equal("Invalid value 'soon' for parameter '--stop-timeout' from --stop-timeout: expected an integer.", Assert.Single(result.Errors));
    }

    [Fact]
    public void A_bad_enum_value_lists_the_valid_ones()
    {
        var (_, result) = Bind([], new() { ["VERBOSITY"] = "loud" });

        Assert.Equal("Invalid value 'loud' for parameter '--verbosity' from environment variable VERBOSITY: expected one of Quiet, Normal, Verbose.",
            Assert.Single(result.Errors));
    }

    [Fact]
    public void A_string_option_without_value_is_an_error()
    {
        var (_, result) = Bind(["--config"]);

        Assert.Contains("Parameter '--config' needs a value", Assert.Single(result.Errors));
    }

    [Fact]
    public void An_unknown_option_suggests_the_closest_parameter()
    {
        var (_, result) = Bind(["--stop-timout", "3"]);

        Assert.Equal("Unknown option '--stop-timout'. Did you mean '--stop-timeout'?", Assert.Single(result.Errors));
    }

    [Fact]
    public void An_unknown_option_far_from_every_name_points_to_help()
    {
        var (_, result) = Bind(["--frobnicate-everything"]);

        Assert.Equal("Unknown option '--frobnicate-everything'. Run with --help to see the parameters.", Assert.Single(result.Errors));
    }

    [Fact]
    public void Unknown_json_keys_are_warned_about_not_fatal()
    {
        var (_, result) = Bind([], json: """{ "Confg": "x" }""");

        Assert.Empty(result.Errors);
        Assert.Contains("confg", Assert.Single(result.Warnings));
    }

    [Theory]
    [InlineData("StopTimeout", "stop-timeout", "STOP_TIMEOUT")]
    [InlineData("HTTPPort", "http-port", "HTTP_PORT")]
    [InlineData("Config", "config", "CONFIG")]
    [InlineData("Net10Target", "net10-target", "NET10_TARGET")]
    public void Names_convert_to_kebab_and_environment_forms(string name, string kebab, string environment)
    {
        Assert.Equal(kebab, Names.ToKebab(name));
        Assert.Equal(environment, Names.ToEnvironment(name));
    }
}
