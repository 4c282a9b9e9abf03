namespace OpsBot.History;

/// <summary>The restart audit trail. The Ops restart flow's <c>IRestartAuditLog</c> adapts onto this.</summary>
public interface IRestartAuditStore
{
    Task RecordAsync(RestartAuditEntry entry, CancellationToken cancellationToken);

    Task<IReadOnlyList<RestartAuditEntry>> GetRecentAsync(int count, CancellationToken cancellationToken);
}
