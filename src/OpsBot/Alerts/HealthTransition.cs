using OpsBot.Ops;

namespace OpsBot.Alerts;

/// <summary>
/// A monitor's check changed state. <see cref="Check"/> names the check within the service
/// (<c>reachable</c>, <c>container</c>, <c>unit-active</c>, <c>port</c>…); <see cref="Summary"/> says what was seen.
/// <see cref="IsEvent"/> marks something that happened rather than a state (a container restarted):
/// it is posted once, never resolved.
/// </summary>
public sealed record HealthTransition(DateTimeOffset At, StackService Service, string Check, HealthState State, string Summary, bool IsEvent = false);
