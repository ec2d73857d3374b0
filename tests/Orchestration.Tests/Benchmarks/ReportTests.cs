using System.Text.Json.Nodes;
using Orchestration.Benchmarks;

namespace Orchestration.Tests.Benchmarks;

public sealed class SamplesTests
{
    [Theory]
    [InlineData(new[] { 3.0 }, 3.0)]
    [InlineData(new[] { 5.0, 1.0, 3.0 }, 3.0)]
    [InlineData(new[] { 4.0, 1.0, 2.0, 10.0 }, 3.0)]
    public void Median_is_the_middle_of_the_sorted_values_or_the_mean_of_the_two_middle_ones(double[] values, double median)
    {
        var s = Samples.Of(values);
        Assert.Equal(median, s.Median, 9);
        Assert.Equal(values.Min(), s.Min);
        Assert.Equal(values.Max(), s.Max);
        Assert.Equal(values.Length, s.Spread()["runs"]);
    }

    [Fact]
    public void No_samples_is_an_error_not_a_zero()
    {
        Assert.Throws<InvalidOperationException>(() => Samples.Of(Array.Empty<double>()).Median);
    }
}

public sealed class BenchmarkReportTests
{
    private static readonly BenchmarkSection Lifecycle = new("lifecycle", "Lifecycle",
        [new("median", "median s"), new("runs", "runs", "0")],
        [
            new BenchmarkRow("Start", new Dictionary<string, double?> { ["median"] = 1.23456, ["runs"] = 5 }, "meets goal"),
            new BenchmarkRow("Watch", new Dictionary<string, double?>(), "n/a (watch mode not available)"),
        ], "a remark");

    private static BenchmarkReport Report => new(new MachineInfo(2, "AMD EPYC", 23.5, "Linux", "10.0", "0.1 0.2 0.3"), true,
        new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero), TimeSpan.FromSeconds(20), [Lifecycle]);

    [Fact]
    public void Markdown_has_a_header_per_column_formats_each_value_and_prints_missing_values_as_na()
    {
        var lines = BenchmarkReport.Markdown(Lifecycle).Split('\n');
        Assert.Equal("|  | median s | runs | note |", lines[0]);
        Assert.Equal("|---|---:|---:|---|", lines[1]);
        Assert.Equal("| Start | 1.235 | 5 | meets goal |", lines[2]);
        Assert.Equal("| Watch | n/a | n/a | n/a (watch mode not available) |", lines[3]);
    }

    [Fact]
    public void The_whole_report_names_the_machine_and_every_section()
    {
        var text = Report.Markdown();
        Assert.Contains("2 cores (AMD EPYC), 23.5 GB", text);
        Assert.Contains("### Lifecycle", text);
        Assert.Contains("a remark", text);
        Assert.Contains("--quick", text);
    }

    [Fact]
    public void Json_keys_sections_and_values_like_the_columns_with_null_for_missing()
    {
        var json = JsonNode.Parse(Report.Json())!;
        Assert.Equal(2, json["machine"]!["cores"]!.GetValue<int>());
        var rows = json["sections"]!["lifecycle"]!["rows"]!.AsArray();
        Assert.Equal("Start", rows[0]!["name"]!.GetValue<string>());
        Assert.Equal(1.23456, rows[0]!["median"]!.GetValue<double>());
        Assert.Null(rows[1]!["median"]);
        Assert.Equal("n/a (watch mode not available)", rows[1]!["note"]!.GetValue<string>());
        Assert.True(json["quick"]!.GetValue<bool>());
    }
}

public sealed class GatewayThroughputVerdictTests
{
    [Fact]
    public void The_REST_row_carries_issue_13s_goal_and_the_health_row_none()
    {
        Assert.Equal([null, GatewayThroughputBenchmark.RestGoalRatio], GatewayThroughputBenchmark.Endpoints.Select(e => e.GoalRatio));
        Assert.Equal(0.8, GatewayThroughputBenchmark.RestGoalRatio);
    }

    [Theory]
    [InlineData(0.85, 0.8, "meets goal")]
    [InlineData(0.8, 0.8, "meets goal")]
    [InlineData(0.5, 0.8, "below goal by 0.30")]
    public void A_ratio_is_judged_against_its_goal(double ratio, double goal, string verdict)
    {
        Assert.StartsWith(verdict, GatewayThroughputBenchmark.Verdict(ratio, goal));
    }

    [Fact]
    public void A_row_without_a_goal_has_no_verdict()
    {
        Assert.Null(GatewayThroughputBenchmark.Verdict(0.9, null));
    }
}
