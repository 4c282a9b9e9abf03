namespace OpsBot.Ops.Monitoring;

/// <summary>
/// A service changed state. <see cref="From"/> is null for the first observation after start. <see cref="Check"/> names the
/// check within the service (<c>status</c> for the monitors, which judge a service as a whole; <c>reachable</c>,
/// <c>container</c>, <c>unit-active</c>, <c>port</c>… for finer sources); <see cref="Summary"/> says what was seen.
/// <see cref="IsEvent"/> marks something that happened rather than a state (a container restarted): it is alerted once,
/// never resolved.
/// </summary>
public sealed record HealthTransition(StackService Service, HealthState? From, HealthState To, string Summary, DateTimeOffset At)
{
    public string Check { get; init; } = "status";

    /// <summary>The target of <see cref="Service"/> that changed (<see cref="ServiceStatus.Target"/>); null for the one unnamed target.</summary>
    public string? Target { get; init; }

    public bool IsEvent { get; init; }
}
