using System.Xml.Linq;

namespace BuildGraph.Tools;

/// <summary>Test outcome totals, summed from TRX files (<c>ResultSummary/Counters</c>).</summary>
public sealed record TestCounts(int Passed, int Failed, int Skipped)
{
    public static readonly TestCounts None = new(0, 0, 0);

    public int Total => Passed + Failed + Skipped;

    public static TestCounts operator +(TestCounts a, TestCounts b) =>
        new(a.Passed + b.Passed, a.Failed + b.Failed, a.Skipped + b.Skipped);

    /// <summary>Reads one TRX document. Errors, timeouts and aborts count as failures; not executed as skipped.</summary>
    public static TestCounts FromTrx(XDocument trx)
    {
        var counters = trx.Descendants().FirstOrDefault(e => e.Name.LocalName == "Counters")
            ?? throw new FormatException("The TRX file has no ResultSummary/Counters element.");
        int Count(string name) => int.TryParse(counters.Attribute(name)?.Value, out var value) ? value : 0;
        return new TestCounts(
            Count("passed"),
            Count("failed") + Count("error") + Count("timeout") + Count("aborted"),
            Count("notExecuted") + Count("inconclusive"));
    }

    public static TestCounts FromTrxFiles(IEnumerable<string> files) =>
        files.Select(f => FromTrx(XDocument.Load(f))).Aggregate(None, (sum, counts) => sum + counts);

    /// <summary><c>N passed, N failed</c>, with <c>, N skipped</c> only when some were.</summary>
    public override string ToString() =>
        $"{Passed} passed, {Failed} failed" + (Skipped > 0 ? $", {Skipped} skipped" : "");
}
