using BuildGraph.Reporting;
using BuildGraph.Tools;
using System.Xml.Linq;

namespace BuildGraph.Tests;

public class DiscoveryTests
{
    private sealed partial class SampleBuild : Build
    {
        [Parameter("Config file")] readonly string Config = "dev-config.yaml";

        public Target Zeta => _ => _.Description("declared first");

        Target Alpha => _ => _.DependsOn(Zeta).Requires(() => Config);
    }

    private sealed partial class SampleBuild
    {
        public Target Middle => _ => _.After(Alpha);
    }

    [Fact]
    public void Targets_are_found_on_every_partial_file_in_declaration_order()
    {
        var inputs = Build.CollectInputs(new SampleBuild(), ["--config", "x"], [x => x.Middle]);

        Assert.Equal(["Zeta", "Alpha", "Middle"], inputs.Graph.Targets.Select(t => t.Name));
        Assert.Equal(["Zeta"], inputs.Graph["Alpha"].DependsOn);
        Assert.Equal(["Alpha"], inputs.Graph["Middle"].After);
        Assert.Equal(["Middle"], inputs.DefaultTargets);
        Assert.Equal("Config", Assert.Single(inputs.Parameters).Name);
    }

    [Fact]
    public void The_schema_names_parameters_and_targets()
    {
        var inputs = Build.CollectInputs(new SampleBuild(), [], [x => x.Zeta]);

        var schema = SchemaWriter.Render(inputs.Graph, inputs.Parameters);

        Assert.Contains("\"Config\"", schema);
        Assert.Contains("\"description\": \"Config file\"", schema);
        Assert.Contains("\"Middle\"", schema);
    }

    [Fact]
    public void Trx_counters_are_summed_and_printed_as_the_ci_line()
    {
        static XDocument Trx(int passed, int failed, int notExecuted) => XDocument.Parse($"""
            <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
              <ResultSummary outcome="Completed">
                <Counters total="{passed + failed + notExecuted}" executed="{passed + failed}" passed="{passed}" failed="{failed}"
                          error="0" timeout="0" aborted="0" inconclusive="0" notExecuted="{notExecuted}" />
              </ResultSummary>
            </TestRun>
            """);

        var counts = TestCounts.FromTrx(Trx(5, 1, 0)) + TestCounts.FromTrx(Trx(3, 0, 0));

        Assert.Equal("8 passed, 1 failed", counts.ToString());
        Assert.Equal("8 passed, 1 failed, 2 skipped", (counts + TestCounts.FromTrx(Trx(0, 0, 2))).ToString());
    }

    [Fact]
    public void A_test_run_without_tests_or_with_failures_fails()
    {
        Assert.Throws<TargetFailedException>(() => new TestRun(TestCounts.None, 0).EnsureSucceeded());
        Assert.Throws<TargetFailedException>(() => new TestRun(new TestCounts(3, 1, 0), 1).EnsureSucceeded());
        new TestRun(new TestCounts(3, 0, 1), 0).EnsureSucceeded();
    }
}
