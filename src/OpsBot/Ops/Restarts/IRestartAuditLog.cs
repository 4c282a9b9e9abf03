namespace OpsBot.Ops.Restarts;

/// <summary>
/// The restart audit trail: the SQLite history's <c>restarts</c> table when history runs (it survives restarts),
/// a bounded in-memory list otherwise.
/// </summary>
public interface IRestartAuditLog
{
    Task RecordAsync(RestartAuditEntry entry, CancellationToken cancellationToken);

    /// <summary>The most recent entries, newest first.</summary>
    Task<IReadOnlyList<RestartAuditEntry>> GetRecentAsync(int count, CancellationToken cancellationToken);
}
