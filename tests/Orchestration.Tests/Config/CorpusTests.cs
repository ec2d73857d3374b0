using Orchestration.Config;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Config;

/// <summary>
/// Every file in Corpus/bad must be rejected with exactly the errors in its <c>.expected</c>
/// file (one <see cref="ConfigError.ToString"/> per line). UPDATE_GOLDEN=1 rewrites the expectations.
/// </summary>
public sealed class CorpusTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Corpus", "bad");

    public static TheoryData<string> BadFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder, "*.yaml").Order(StringComparer.Ordinal)) data.Add(Path.GetFileNameWithoutExtension(file));
        return data;
    }

    [Fact]
    public void The_corpus_has_at_least_25_bad_files_each_with_its_expected_message()
    {
        var names = Directory.GetFiles(Folder, "*.yaml");
        Assert.True(names.Length >= 25, $"only {names.Length} bad files");
        Assert.All(names, n => Assert.True(File.Exists(Path.ChangeExtension(n, ".expected")), $"{n} has no .expected file"));
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_file_is_rejected_with_its_expected_errors(string name)
    {
        using var dir = new TempDir();
        var copy = Path.Combine(dir.Path, name + ".yaml");
        File.Copy(Path.Combine(Folder, name + ".yaml"), copy);

        var result = ConfigLoader.Load(copy);

        Assert.False(result.IsValid);
        Assert.Equal([name + ".yaml"], dir.Entries());
        var actual = result.Errors.Select(e => e.ToString()).ToList();
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllLines(RepoPaths.File("tests", "Orchestration.Tests", "Corpus", "bad", name + ".expected"), actual);
            return;
        }
        var expected = File.ReadAllLines(Path.Combine(Folder, name + ".expected")).Where(l => l.Length > 0).ToList();
        Assert.Equal(expected, actual);
        Assert.All(result.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Fix)));
    }
}
