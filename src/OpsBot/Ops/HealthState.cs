namespace OpsBot.Ops;

/// <summary>Ordered from best to worst so the worst of several states is the maximum.</summary>
public enum HealthState
{
    Healthy = 0,
    Unknown = 1,
    Degraded = 2,
    Down = 3,
}
