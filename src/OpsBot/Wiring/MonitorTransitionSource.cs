using System.Runtime.CompilerServices;
using OpsBot.Alerts;
using OpsBot.Ops.Monitoring;

namespace OpsBot.Wiring;

/// <summary>Feeds the monitors' per-service state changes to the health alerts.</summary>
public sealed class MonitorTransitionSource : IHealthTransitionSource
{
    private readonly IHealthHistory _history;

    public MonitorTransitionSource(IHealthHistory history) => _history = history;

    public async IAsyncEnumerable<Alerts.HealthTransition> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var transition in _history.WatchAsync(cancellationToken))
        {
            // The monitors judge a service as a whole; its summary says which check failed.
            yield return new Alerts.HealthTransition(transition.At, transition.Service, "status", transition.To, transition.Summary);
        }
    }
}
