namespace Orchestration.Tests.Support;

/// <summary>Finds the repository root (the folder with Orchestration.sln) from the test output folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Orchestration.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no Orchestration.sln above {AppContext.BaseDirectory}");
    }
}
