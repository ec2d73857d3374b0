namespace Orchestration.Processes;

/// <summary>How to start one supervised process: a plain, serialisable description.</summary>
public sealed record ProcessSpec
{
    public required string Name { get; init; }
    public required IReadOnlyList<string> Argv { get; init; }
    public required string WorkingDirectory { get; init; }
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}
