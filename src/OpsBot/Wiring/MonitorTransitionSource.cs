using OpsBot.Alerts;
using OpsBot.Ops.Monitoring;

namespace OpsBot.Wiring;

/// <summary>
/// Feeds the monitors' state changes, one per service target (each gateway, each vLLM), to the health alerts. The first subscription replays what the monitor
/// already saw (its first round may finish before alerting subscribes); a resubscription after a failure does not.
/// </summary>
public sealed class MonitorTransitionSource(IHealthHistory history) : IHealthTransitionSource
{
    private int _subscriptions;

    // The monitors judge a service as a whole (check "status"); its summary says which check failed.
    public IAsyncEnumerable<HealthTransition> ReadAllAsync(CancellationToken cancellationToken) =>
        history.WatchAsync(cancellationToken, replayRecent: Interlocked.Increment(ref _subscriptions) == 1);
}
