using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestration.Benchmarks;

/// <summary>One column of a section: the JSON key of its values, the markdown header, and how numbers print.</summary>
public sealed record BenchmarkColumn(string Key, string Header, string Format = "0.000");

/// <summary>One row: a value per column key (null prints as n/a), and a free-text note (verdicts, why n/a).</summary>
public sealed record BenchmarkRow(string Name, IReadOnlyDictionary<string, double?> Values, string? Note = null)
{
    public double? this[string key] => Values.TryGetValue(key, out var v) ? v : null;
}

/// <summary>One table of the report, e.g. lifecycle wall times, under a stable JSON key.</summary>
public sealed record BenchmarkSection(string Key, string Title, IReadOnlyList<BenchmarkColumn> Columns, IReadOnlyList<BenchmarkRow> Rows, string? Remark = null);

/// <summary>Every figure of one benchmark run: markdown tables for people, JSON for scripts and docs.</summary>
public sealed record BenchmarkReport(MachineInfo Machine, bool Quick, DateTimeOffset StartedAt, TimeSpan Elapsed, IReadOnlyList<BenchmarkSection> Sections)
{
    public string Markdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Benchmark {(Quick ? "(--quick: one run each, a smoke check) " : "")}on {Machine.Describe()}, {StartedAt:yyyy-MM-dd HH:mm}, took {Elapsed.TotalSeconds:0} s");
        foreach (var section in Sections)
        {
            text.AppendLine().AppendLine("### " + section.Title).AppendLine();
            text.AppendLine(Markdown(section));
            if (section.Remark is not null) text.AppendLine().AppendLine(section.Remark); // a blank line ends the table
        }
        return text.ToString();
    }

    public static string Markdown(BenchmarkSection section)
    {
        var text = new StringBuilder();
        var hasNotes = section.Rows.Any(r => r.Note is not null);
        var headers = section.Columns.Select(c => c.Header).Prepend("").Concat(hasNotes ? ["note"] : []).ToList();
        text.AppendLine("| " + string.Join(" | ", headers) + " |");
        text.AppendLine("|" + string.Join("|", headers.Select((_, i) => i == 0 || (hasNotes && i == headers.Count - 1) ? "---" : "---:")) + "|");
        foreach (var row in section.Rows)
        {
            var cells = section.Columns.Select(c => row[c.Key] is { } v ? v.ToString(c.Format, CultureInfo.InvariantCulture) : "n/a").Prepend(row.Name);
            if (hasNotes) cells = cells.Append(row.Note ?? "");
            text.AppendLine("| " + string.Join(" | ", cells) + " |");
        }
        return text.ToString().TrimEnd();
    }

    public string Json()
    {
        var sections = new JsonObject();
        foreach (var section in Sections)
        {
            var rows = new JsonArray();
            foreach (var row in section.Rows)
            {
                var item = new JsonObject { ["name"] = row.Name };
                foreach (var column in section.Columns) item[column.Key] = row[column.Key] is { } v ? Math.Round(v, 6) : null;
                if (row.Note is not null) item["note"] = row.Note;
                rows.Add((JsonNode)item);
            }
            sections[section.Key] = new JsonObject
            {
                ["title"] = section.Title,
                ["columns"] = new JsonArray(section.Columns.Select(c => (JsonNode)new JsonObject { ["key"] = c.Key, ["header"] = c.Header }).ToArray()),
                ["rows"] = rows,
                ["remark"] = section.Remark,
            };
        }
        var root = new JsonObject
        {
            ["started_at"] = StartedAt.ToString("O", CultureInfo.InvariantCulture),
            ["elapsed_s"] = Math.Round(Elapsed.TotalSeconds, 3),
            ["quick"] = Quick,
            ["machine"] = JsonSerializer.SerializeToNode(Machine, MachineInfoJson.Default.MachineInfo),
            ["sections"] = sections,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
