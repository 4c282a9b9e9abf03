using System.Runtime.CompilerServices;
using OpsBot.Alerts;
using OpsBot.Ops.Monitoring;

namespace OpsBot.Wiring;

/// <summary>
/// Feeds the monitors' per-service state changes to the health alerts. The first subscription replays what the monitor
/// already saw (its first round may finish before alerting subscribes); a resubscription after a failure does not.
/// </summary>
public sealed class MonitorTransitionSource : IHealthTransitionSource
{
    private readonly IHealthHistory _history;
    private int _subscriptions;

    public MonitorTransitionSource(IHealthHistory history) => _history = history;

    public async IAsyncEnumerable<Alerts.HealthTransition> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var replay = Interlocked.Increment(ref _subscriptions) == 1;
        await foreach (var transition in _history.WatchAsync(cancellationToken, replay))
        {
            // The monitors judge a service as a whole; its summary says which check failed.
            yield return new Alerts.HealthTransition(transition.At, transition.Service, "status", transition.To, transition.Summary);
        }
    }
}
