namespace OpsBot.History;

/// <summary>Resolves the database file the way a systemd user service expects its state to live.</summary>
public static class HistoryPaths
{
    public const string FileName = "opsbot.db";

    public static string ResolveDatabasePath(string? configured, Func<string, string?> environment)
    {
        var home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(ExpandHome(configured.Trim(), home));
        }

        // systemd sets STATE_DIRECTORY from StateDirectory=; it may list several, colon-separated, the first is ours.
        if (environment("STATE_DIRECTORY") is { Length: > 0 } stateDirectory)
        {
            return Path.Combine(stateDirectory.Split(':')[0], FileName);
        }

        var stateHome = environment("XDG_STATE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg) ? xdg : Path.Combine(home, ".local", "state");
        return Path.Combine(stateHome, "opsbot", FileName);
    }

    private static string ExpandHome(string path, string home) =>
        path == "~" ? home : path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(home, path[2..]) : path;
}
