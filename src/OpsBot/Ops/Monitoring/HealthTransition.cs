namespace OpsBot.Ops.Monitoring;

/// <summary>A service changed state. <see cref="From"/> is null for the first observation after start.</summary>
public sealed record HealthTransition(StackService Service, HealthState? From, HealthState To, string Summary, DateTimeOffset At);
