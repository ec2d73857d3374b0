using Orchestration.IO;
using Orchestration.Tests.Support;

namespace Orchestration.Tests.Nginx;

public sealed class AtomicFileTests
{
    [Fact]
    public void Writing_replaces_the_content_and_leaves_no_temp_file()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "sub", "nginx.conf");
        AtomicFile.WriteAllText(path, "old");
        AtomicFile.WriteAllText(path, "new content");
        Assert.Equal("new content", File.ReadAllText(path));
        Assert.Equal(["sub", Path.Combine("sub", "nginx.conf")], dir.Entries());
    }

    [Fact]
    public void Written_files_are_owner_only()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "state.json");
        AtomicFile.WriteAllText(path, "{}");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void A_failed_write_leaves_the_old_file_and_no_temp_file()
    {
        using var dir = new TempDir();
        var target = Path.Combine(dir.Path, "target");
        Directory.CreateDirectory(target); // a folder where the file should go: the rename must fail
        Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllText(target, "x"));
        Assert.Equal(["target"], dir.Entries());
    }
}
