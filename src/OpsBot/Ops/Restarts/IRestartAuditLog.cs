namespace OpsBot.Ops.Restarts;

/// <summary>Restart history. In memory for now; a SQLite implementation replaces it later.</summary>
public interface IRestartAuditLog
{
    Task RecordAsync(RestartAuditEntry entry, CancellationToken cancellationToken);

    /// <summary>The most recent entries, newest first.</summary>
    Task<IReadOnlyList<RestartAuditEntry>> GetRecentAsync(int max, CancellationToken cancellationToken);
}
