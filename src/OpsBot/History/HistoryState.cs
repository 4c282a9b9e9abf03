namespace OpsBot.History;

public enum HistoryState
{
    /// <summary>Not opened yet (opened at start by <see cref="HistoryInitializer"/>).</summary>
    NotOpened,
    Available,
    /// <summary>Could not open or write (locked, unwritable); retried after <see cref="HistoryOptions.RetryAfter"/>.</summary>
    Unavailable,
    /// <summary>Corrupt, not a database, or from a newer OpsBot: needs a human, not retried.</summary>
    Disabled,
}
