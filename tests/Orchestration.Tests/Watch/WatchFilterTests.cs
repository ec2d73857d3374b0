using Orchestration.Watch;

namespace Orchestration.Tests.Watch;

public sealed class WatchFilterTests
{
    private readonly WatchFilter _all = new([]);

    [Theory]
    [InlineData("Program.cs")]
    [InlineData("Broker/BrokerModule.cs")]
    [InlineData("appsettings.json")]
    [InlineData("App.csproj")]
    public void A_source_change_is_relevant(string path) => Assert.True(_all.IsRelevant(path));

    [Theory]
    [InlineData("bin/Release/net10.0/App.dll")]
    [InlineData("obj/project.assets.json")]
    [InlineData(".local/logs/app-0.log")]
    [InlineData("Core/openapi.json")]
    [InlineData("asyncapi.json")]
    [InlineData("clients/ts/api.ts")]
    [InlineData("scripts/gen.sh")]
    [InlineData("Core/.CoreModule.cs.swp")]
    [InlineData("Core/CoreModule.cs~")]
    [InlineData("Core/.#CoreModule.cs")]
    [InlineData("4913")]
    [InlineData("x/__pycache__/m.pyc")]
    [InlineData(".git/index")]
    public void Build_output_runtime_files_generated_specs_and_editor_files_are_ignored(string path) =>
        Assert.False(_all.IsRelevant(path));

    [Fact]
    public void A_command_server_reloads_only_on_its_watch_globs()
    {
        var filter = new WatchFilter(["**/*.py", "config/*.toml"]);

        Assert.True(filter.IsRelevant("app/main.py"));
        Assert.True(filter.IsRelevant("config/app.toml"));
        Assert.False(filter.IsRelevant("README.md"));
        Assert.False(filter.IsRelevant("app/__pycache__/main.py"));
    }

    [Fact]
    public void The_configured_spec_and_client_folders_start_no_reload_whatever_their_names()
    {
        var filter = new WatchFilter([], ["api-docs", "web/generated"]);

        Assert.False(filter.IsRelevant("api-docs/docs.html"));
        Assert.False(filter.IsRelevant("api-docs/broker/v1/openapi.json"));
        Assert.False(filter.IsRelevant("web/generated/csharp/Clients.cs"));
        Assert.False(filter.IsRelevant("web/generated/.spec-hash"));
        Assert.True(filter.IsRelevant("api-docs-notes.md"));
        Assert.True(filter.IsRelevant("web/app.cs"));
    }
}
