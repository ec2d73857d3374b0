using Orchestration.Tests.Config;

namespace Orchestration.Tests.Specs;

public sealed class SpecConfigTests
{
    [Fact]
    public void Specs_default_to_a_specs_folder_next_to_the_config_with_clients_inside()
    {
        var config = Yaml.Valid(Yaml.TwoServers);
        Assert.True(config.Specs.Enabled);
        Assert.Equal(Path.Combine(config.BaseDirectory, "specs"), config.Specs.Output);
        Assert.Equal(Path.Combine(config.BaseDirectory, "specs", "clients"), config.Specs.Clients);
    }

    [Fact]
    public void Output_and_clients_resolve_against_the_config_folder()
    {
        var config = Yaml.Valid(Yaml.TwoServers + "\nspecs:\n  output: api/specs\n  clients: frontend/generated\n  enabled: false\n");
        Assert.False(config.Specs.Enabled);
        Assert.Equal(Path.Combine(config.BaseDirectory, "api", "specs"), config.Specs.Output);
        Assert.Equal(Path.Combine(config.BaseDirectory, "frontend", "generated"), config.Specs.Clients);
    }

    [Fact]
    public void An_unknown_key_names_the_valid_ones()
    {
        var error = Yaml.SingleError(Yaml.TwoServers + "\nspecs:\n  outptu: specs\n", "specs.outptu").ToString();
        Assert.Contains("output", error);
    }

    [Fact]
    public void A_spec_folder_inside_local_dir_is_refused_with_the_reason_and_a_fix()
    {
        var error = Yaml.SingleError(Yaml.TwoServers + "\nspecs:\n  output: .local/specs\n", "specs.output").ToString();
        Assert.Contains("'.local/specs'", error);
        Assert.Contains("local_dir", error);
        Assert.Contains("Fix:", error);
    }

    [Fact]
    public void Clients_in_the_spec_folder_itself_are_refused()
    {
        var error = Yaml.SingleError(Yaml.TwoServers + "\nspecs:\n  output: specs\n  clients: specs\n", "specs.clients").ToString();
        Assert.Contains("folder of their own", error);
    }

    [Fact]
    public void A_path_nginx_cannot_take_is_refused()
    {
        var error = Yaml.SingleError(Yaml.TwoServers + "\nspecs:\n  output: \"spe$cs\"\n", "specs.output").ToString();
        Assert.Contains("nginx", error);
    }
}
