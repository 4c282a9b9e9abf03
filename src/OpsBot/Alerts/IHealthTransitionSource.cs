using OpsBot.Ops.Monitoring;

namespace OpsBot.Alerts;

/// <summary>The monitors' state changes, as they happen (<c>Wiring/MonitorTransitionSource</c> reads them from the Ops monitors).</summary>
public interface IHealthTransitionSource
{
    IAsyncEnumerable<HealthTransition> ReadAllAsync(CancellationToken cancellationToken);
}
