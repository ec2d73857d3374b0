using Orchestration.Builds;
using Orchestration.Config;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Builds;

/// <summary>publish: auto | aot | jit resolved per server, with the reason Start prints; and what declares a project AOT-compatible.</summary>
public sealed class PublishChoiceTests
{
    private static ServerConfig Server(PublishMode publish, bool reload, string project = "/p/Api.csproj") =>
        new() { Name = "api", Port = 8001, Publish = publish, Reload = reload, Project = project };

    private static string? Declares(string project) => "IsAotCompatible";

    private static string? DeclaresNothing(string project) => null;

    [Fact]
    public void Auto_runs_a_reload_false_server_of_an_aot_compatible_project_native()
    {
        Assert.Equal(new PublishChoice(true, "reload: false and Api.csproj declares IsAotCompatible"), PublishChoice.For(Server(PublishMode.Auto, reload: false), Declares));
    }

    [Fact]
    public void Auto_keeps_watch_mode_on_jit_even_for_an_aot_compatible_project()
    {
        Assert.Equal(new PublishChoice(false, "reload: true keeps the JIT build loop"), PublishChoice.For(Server(PublishMode.Auto, reload: true), Declares));
    }

    [Fact]
    public void Auto_runs_a_project_that_does_not_declare_aot_jit_and_says_so()
    {
        Assert.Equal(new PublishChoice(false, "Api.csproj does not declare IsAotCompatible or PublishAot"), PublishChoice.For(Server(PublishMode.Auto, reload: false), DeclaresNothing));
    }

    [Fact]
    public void An_explicit_mode_wins_over_the_project()
    {
        Assert.False(PublishChoice.For(Server(PublishMode.Jit, reload: false), Declares).Native);
        Assert.True(PublishChoice.For(Server(PublishMode.Aot, reload: false), DeclaresNothing).Native);
    }

    [Fact]
    public void An_image_ignores_reload_watch_mode_does_not_run_in_a_container()
    {
        Assert.Equal(new PublishChoice(true, "publish: auto and Api.csproj declares IsAotCompatible"), PublishChoice.ForImage(Server(PublishMode.Auto, reload: true), Declares));
        Assert.Equal(new PublishChoice(false, "Api.csproj does not declare IsAotCompatible or PublishAot"), PublishChoice.ForImage(Server(PublishMode.Auto, reload: false), DeclaresNothing));
        Assert.False(PublishChoice.ForImage(Server(PublishMode.Jit, reload: false), Declares).Native);
        Assert.True(PublishChoice.ForImage(Server(PublishMode.Aot, reload: true), DeclaresNothing).Native);
    }

    [Fact]
    public void A_project_image_is_native_only_when_every_server_running_it_chooses_aot_and_says_which_one_keeps_it_jit()
    {
        var native = Server(PublishMode.Auto, reload: false);
        var jit = Server(PublishMode.Jit, reload: false) with { Name = "quotes" };
        Assert.True(Orchestration.Images.ImagePublisher.ImageChoice([native, native with { Name = "other" }], Declares).Native);
        Assert.Equal(new PublishChoice(false, "servers.quotes: publish: jit, and all servers of a project share its image"),
            Orchestration.Images.ImagePublisher.ImageChoice([native, jit], Declares));
        Assert.Equal(new PublishChoice(false, "publish: jit"), Orchestration.Images.ImagePublisher.ImageChoice([jit], Declares));
    }

    [Fact]
    public void A_project_declares_aot_in_its_file_or_a_directory_build_props_above_it_but_not_under_a_condition()
    {
        using var dir = new TempDir();
        var plain = dir.Write("plain/Plain.csproj", "<Project Sdk=\"Microsoft.NET.Sdk.Web\"><PropertyGroup><OutputType>Exe</OutputType></PropertyGroup></Project>");
        var own = dir.Write("own/Own.csproj", "<Project Sdk=\"Microsoft.NET.Sdk.Web\"><PropertyGroup><PublishAot>true</PublishAot></PropertyGroup></Project>");
        var conditional = dir.Write("cond/Cond.csproj",
            "<Project Sdk=\"Microsoft.NET.Sdk.Web\"><PropertyGroup Condition=\"'$(Configuration)' == 'Release'\"><IsAotCompatible>true</IsAotCompatible></PropertyGroup></Project>");
        var off = dir.Write("off/Off.csproj", "<Project Sdk=\"Microsoft.NET.Sdk.Web\"><PropertyGroup><IsAotCompatible>false</IsAotCompatible></PropertyGroup></Project>");
        dir.Write("shared/Directory.Build.props", "<Project><PropertyGroup><IsAotCompatible>true</IsAotCompatible></PropertyGroup></Project>");
        var inherited = dir.Write("shared/app/App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk.Web\"></Project>");

        Assert.Null(PublishChoice.DeclaredAotProperty(plain));
        Assert.Equal("PublishAot", PublishChoice.DeclaredAotProperty(own));
        Assert.Null(PublishChoice.DeclaredAotProperty(conditional));
        Assert.Null(PublishChoice.DeclaredAotProperty(off));
        Assert.Equal("IsAotCompatible", PublishChoice.DeclaredAotProperty(inherited));
    }

    [Fact]
    public void The_bundled_tradingapi_declares_itself_aot_compatible()
    {
        Assert.Equal("IsAotCompatible", PublishChoice.DeclaredAotProperty(RepoPaths.File("src", "TradingApi", "TradingApi.csproj")));
    }
}
