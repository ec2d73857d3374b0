using Orchestration.Builds;

namespace Orchestration.Tests.Builds;

public sealed class BuildInputsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("build-inputs-").FullName;

    private string Project => Path.Combine(_root, "App", "App.csproj");
    private string Source => Path.Combine(_root, "App", "Program.cs");
    private string Stamp => Path.Combine(_root, "App", "obj", "test.stamp");
    private string Output => Path.Combine(_root, "App", "bin", "App.dll");

    public BuildInputsTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "App", "obj"));
        Directory.CreateDirectory(Path.Combine(_root, "App", "bin"));
        File.WriteAllText(Project, "<Project />");
        File.WriteAllText(Source, "class P {}");
        File.WriteAllText(Output, "dll");
        BuildInputs.Record(Stamp, Output, BuildInputs.Take(Project));
    }

    [Fact]
    public void A_recorded_build_is_up_to_date_and_a_touched_but_unchanged_file_keeps_it_so()
    {
        Assert.Equal(Output, BuildInputs.UpToDate(Project, Stamp));

        File.SetLastWriteTimeUtc(Source, DateTime.UtcNow.AddMinutes(1));

        Assert.Equal(Output, BuildInputs.UpToDate(Project, Stamp));
    }

    [Fact]
    public void A_changed_or_added_source_or_shared_setting_asks_for_a_build()
    {
        File.WriteAllText(Source, "class P { int x; }");
        Assert.Null(BuildInputs.UpToDate(Project, Stamp));

        BuildInputs.Record(Stamp, Output, BuildInputs.Take(Project));
        File.WriteAllText(Path.Combine(_root, "App", "Other.cs"), "class O {}");
        Assert.Null(BuildInputs.UpToDate(Project, Stamp));

        BuildInputs.Record(Stamp, Output, BuildInputs.Take(Project));
        File.WriteAllText(Path.Combine(_root, "Directory.Build.props"), "<Project />");
        Assert.Null(BuildInputs.UpToDate(Project, Stamp));
    }

    [Fact]
    public void Build_output_is_not_an_input_and_a_missing_output_asks_for_a_build()
    {
        File.WriteAllText(Path.Combine(_root, "App", "obj", "generated.cs"), "changes every build");
        Assert.Equal(Output, BuildInputs.UpToDate(Project, Stamp));

        File.Delete(Output);
        Assert.Null(BuildInputs.UpToDate(Project, Stamp));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
