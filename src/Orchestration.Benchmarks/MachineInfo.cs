using System.Text.Json.Serialization;

namespace Orchestration.Benchmarks;

/// <summary>The machine the figures were taken on: cores, CPU model, memory, OS, runtime, load.</summary>
public sealed record MachineInfo(int Cores, string CpuModel, double MemoryGb, string Os, string Runtime, string LoadAverage)
{
    public string Describe() => $"{Cores} cores ({CpuModel}), {MemoryGb:0.0} GB, {Os}, .NET {Runtime}, load {LoadAverage}";

    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        ProcField("/proc/cpuinfo", "model name") ?? "unknown CPU",
        (ProcKb("/proc/meminfo", "MemTotal") ?? 0) / 1024.0 / 1024.0,
        System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        Environment.Version.ToString(),
        ReadLoad());

    private static string ReadLoad()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string? ProcField(string file, string name)
    {
        try
        {
            return File.ReadLines(file).Where(l => l.StartsWith(name, StringComparison.Ordinal))
                .Select(l => l[(l.IndexOf(':') + 1)..].Trim()).FirstOrDefault();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static long? ProcKb(string file, string name) =>
        ProcField(file, name)?.Split(' ')[0] is { } kb && long.TryParse(kb, out var v) ? v : null;
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(MachineInfo))]
internal sealed partial class MachineInfoJson : JsonSerializerContext;
