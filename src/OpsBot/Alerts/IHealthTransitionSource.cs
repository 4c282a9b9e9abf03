namespace OpsBot.Alerts;

/// <summary>The monitors' state changes, as they happen. Adapted from the Ops monitors at merge time.</summary>
public interface IHealthTransitionSource
{
    IAsyncEnumerable<HealthTransition> ReadAllAsync(CancellationToken cancellationToken);
}
