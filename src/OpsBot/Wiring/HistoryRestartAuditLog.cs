using OpsBot.History;
using OpsBot.Ops.Restarts;

namespace OpsBot.Wiring;

/// <summary>Keeps the restart audit (who, what, when, result, time until healthy) in the SQLite history so it survives restarts.</summary>
public sealed class HistoryRestartAuditLog : IRestartAuditLog
{
    private readonly IRestartAuditStore _store;

    public HistoryRestartAuditLog(IRestartAuditStore store) => _store = store;

    public Task RecordAsync(Ops.Restarts.RestartAuditEntry entry, CancellationToken cancellationToken) =>
        _store.RecordAsync(new History.RestartAuditEntry(entry.Service, entry.RequestedBy, entry.RequestedAt, entry.RequestedAt + entry.Elapsed,
            entry.Succeeded, entry.Message, entry.TimeToHealthy), cancellationToken);

    public async Task<IReadOnlyList<Ops.Restarts.RestartAuditEntry>> GetRecentAsync(int max, CancellationToken cancellationToken) =>
        (await _store.GetRecentAsync(max, cancellationToken))
            .Select(e => new Ops.Restarts.RestartAuditEntry(e.Service, e.RequestedBy, e.StartedAt, e.Succeeded, e.Message, e.Elapsed, e.TimeToHealthy))
            .ToList();
}
