namespace OpsBot.History;

/// <summary>
/// Time series and recent figures from the per-minute roll-ups, for charts, the daily digest and /status. Never throws
/// for a broken database: it answers empty points and says why in <see cref="HistorySeries.Health"/>.
/// </summary>
public interface IHistorySeriesService
{
    /// <summary>Traffic and vLLM over [<paramref name="from"/>, <paramref name="to"/>) in intervals of <paramref name="step"/> (whole minutes).</summary>
    Task<HistorySeries> GetSeriesAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken);

    /// <summary>
    /// Totals and percentiles over the <paramref name="window"/> of completed minutes before now (the current minute is
    /// still being counted in memory), and the latest vLLM sample in it.
    /// </summary>
    Task<OperationsSummary> GetSummaryAsync(TimeSpan window, CancellationToken cancellationToken);
}
