namespace OpsBot.History;

/// <summary>Read side of history for /status and /history. Never throws for a broken database: it answers empty and says why in <see cref="GetHealth"/>.</summary>
public interface IHistoryQueryService
{
    HistoryHealth GetHealth();

    /// <summary>Null when history is not available.</summary>
    Task<AvailabilityReport?> GetAvailabilityAsync(TimeSpan window, CancellationToken cancellationToken);

    Task<IReadOnlyList<IncidentRecord>> GetRecentIncidentsAsync(int count, CancellationToken cancellationToken);

    Task<HistoryReport> GetReportAsync(HistoryQuery query, CancellationToken cancellationToken);
}
