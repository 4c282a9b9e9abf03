using OpsBot.Alerts;

namespace OpsBot.History;

/// <summary>Incident rows, written by the alert trackers. Never throws: a broken history answers null / does nothing.</summary>
public interface IIncidentStore
{
    Task<long?> OpenAsync(IncidentOpening opening, CancellationToken cancellationToken);

    Task UpdateAsync(long id, AlertSeverity severity, int occurrences, bool isOutage, CancellationToken cancellationToken);

    Task ResolveAsync(long id, DateTimeOffset resolvedAt, int occurrences, CancellationToken cancellationToken);

    /// <summary>Incidents still open whose key starts with <paramref name="keyPrefix"/>, oldest first (empty when history is not usable).</summary>
    Task<IReadOnlyList<IncidentRecord>> GetOpenAsync(string keyPrefix, CancellationToken cancellationToken);
}
