using System.Globalization;

namespace Orchestration.Processes;

/// <summary>An account of this machine, from <c>/etc/passwd</c>.</summary>
public sealed record UnixAccount(string Name, int Uid, int Gid)
{
    public static UnixAccount? Find(string name) => All().FirstOrDefault(a => a.Name == name);

    /// <summary>The account name of <paramref name="uid"/>, or the number when it has none.</summary>
    public static string NameOf(int uid) => All().FirstOrDefault(a => a.Uid == uid)?.Name ?? uid.ToString(CultureInfo.InvariantCulture);

    private static IEnumerable<UnixAccount> All()
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines("/etc/passwd");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            yield break;
        }
        foreach (var line in lines)
        {
            var f = line.Split(':');
            if (f.Length > 3
                && int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
                && int.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
                yield return new UnixAccount(f[0], uid, gid);
        }
    }
}
