namespace Orchestration.Benchmarks;

/// <summary>Repeated measurements of one thing (seconds, MB, ...): median, min and max.</summary>
public sealed record Samples(IReadOnlyList<double> Values)
{
    public int Count => Values.Count;
    public double Median => Percentile(0.5);
    public double Min => Values.Min();
    public double Max => Values.Max();

    public static Samples Of(IEnumerable<double> values) => new(values.ToList());

    public static Samples Of(IEnumerable<TimeSpan> values) => new(values.Select(v => v.TotalSeconds).ToList());

    /// <summary>The value at fraction <paramref name="p"/> (0..1) of the sorted samples, interpolated between neighbours.</summary>
    public double Percentile(double p)
    {
        if (Values.Count == 0) throw new InvalidOperationException("no samples");
        var sorted = Values.Order().ToList();
        var rank = p * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }

    /// <summary>median, min, max and runs under the keys the sections use.</summary>
    public Dictionary<string, double?> Spread(string prefix = "") => new()
    {
        [prefix + "median"] = Median,
        [prefix + "min"] = Min,
        [prefix + "max"] = Max,
        [prefix + "runs"] = Count,
    };
}
