namespace OpsBot.Charts;

/// <summary>
/// Draws history as a PNG chart, for the CLI's <c>chart</c>, the admin endpoint, the daily digest and Discord. Never
/// throws for missing or broken history: the chart then says "no data" and why.
/// </summary>
public interface IChartService
{
    /// <param name="size">Null for the configured size (<c>Charts:Width</c>×<c>Charts:Height</c>, 1200×900 by default).</param>
    /// <param name="end">The end of the window; null for the start of the current minute (the last complete one ends there).</param>
    Task<ChartImage> RenderAsync(ChartRange range, ChartSize? size = null, DateTimeOffset? end = null, CancellationToken cancellationToken = default);
}
