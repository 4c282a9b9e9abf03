namespace OpsBot.Ops;

/// <summary>A snapshot of the whole stack at <see cref="TakenAt"/>.</summary>
public sealed record StackStatus(DateTimeOffset TakenAt, IReadOnlyList<ServiceStatus> Services)
{
    public HealthState Worst => Services.Count == 0 ? HealthState.Unknown : Services.Max(s => s.State);
}
