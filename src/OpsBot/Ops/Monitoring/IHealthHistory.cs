namespace OpsBot.Ops.Monitoring;

/// <summary>State changes seen by the monitor, for /status history and for alerting.</summary>
public interface IHealthHistory
{
    /// <summary>The most recent transitions, oldest first.</summary>
    IReadOnlyList<HealthTransition> Recent(int max);

    /// <summary>
    /// Transitions from now on (after the recent ones kept, with <paramref name="replayRecent"/>: a subscriber that starts
    /// after the monitor's first round still sees it). Each subscriber has its own bounded buffer; a subscriber that
    /// falls far behind loses the oldest entries rather than slowing the monitor.
    /// </summary>
    IAsyncEnumerable<HealthTransition> WatchAsync(CancellationToken cancellationToken, bool replayRecent = false);
}
