namespace OpsBot.History;

/// <summary>Where and how OpsBot keeps its history (section <c>History</c>).</summary>
public sealed class HistoryOptions
{
    public const string SectionName = "History";

    /// <summary>
    /// SQLite file, the same for the service and the CLI. Empty means <c>$XDG_STATE_HOME/opsbot/opsbot.db</c>, else
    /// <c>~/.local/state/opsbot/opsbot.db</c> (in a development run, <c>dev-state/opsbot.db</c>): see <see cref="HistoryPaths"/>.
    /// </summary>
    public string? DatabasePath { get; set; }

    /// <summary>Rows older than this are pruned once a day.</summary>
    public int RetentionDays { get; set; } = 90;

    /// <summary>How long one statement waits for another process's lock (the CLI twin shares the file) before giving up.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>After a failure to open (locked, unwritable), how long before the next attempt.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromMinutes(1);
}
