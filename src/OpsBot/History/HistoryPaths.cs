namespace OpsBot.History;

/// <summary>
/// Resolves the one history database that the service writes and the CLI reads. Both must arrive at the
/// same file from the same configuration, so nothing here depends on how the process was started
/// (systemd's <c>$STATE_DIRECTORY</c> is deliberately not read: before systemd 254 a user unit's
/// <c>StateDirectory=</c> lands under <c>~/.config</c>, which gave the service and the CLI two databases).
/// </summary>
public static class HistoryPaths
{
    public const string FileName = "opsbot.db";

    /// <summary>
    /// <c>History:DatabasePath</c> when set (<c>~</c> expanded); else, in a development run, the file in
    /// <paramref name="developmentDirectory"/>; else <c>$XDG_STATE_HOME/opsbot/opsbot.db</c>, else
    /// <c>~/.local/state/opsbot/opsbot.db</c>.
    /// </summary>
    public static string ResolveDatabasePath(string? configured, Func<string, string?> environment, string? developmentDirectory = null)
    {
        var home = Home(environment);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(ExpandHome(configured.Trim(), home));
        }

        if (developmentDirectory is not null)
        {
            return Path.Combine(developmentDirectory, FileName);
        }

        var stateHome = environment("XDG_STATE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg) ? xdg : Path.Combine(home, ".local", "state");
        return Path.Combine(stateHome, "opsbot", FileName);
    }

    /// <summary>
    /// Where a development run (<c>dotnet run</c>, environment Development) keeps its state instead of the
    /// production files: <c>dev-state/</c> under the content root (the build output, git-ignored). Null otherwise.
    /// </summary>
    public static string? DevelopmentDirectory(IHostEnvironment? environment) =>
        environment is not null && environment.IsDevelopment() ? Path.Combine(environment.ContentRootPath, "dev-state") : null;

    internal static string Home(Func<string, string?> environment) =>
        environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    internal static string ExpandHome(string path, string home) =>
        path == "~" ? home : path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(home, path[2..]) : path;
}
