using OpsBot.Alerts;
using OpsBot.Components;
using OpsBot.History;
using OpsBot.Ops;
using OpsBot.ProxyCore.Events;

namespace OpsBot.Operations;

/// <summary>
/// Everything /status shows. Parts that could not be had are null (with <see cref="StackError"/> saying why for the stack).
/// <see cref="Components"/> are OpsBot's own parts (Discord, history, alerts…) as the running service reports them.
/// </summary>
public sealed record StatusReport(
    DateTimeOffset TakenAt,
    StackStatus? Stack,
    string? StackError,
    ProxyStatisticsSnapshot? Proxy,
    AvailabilityReport? Availability,
    IReadOnlyList<IncidentRecord> RecentIncidents,
    HistoryHealth? History,
    IReadOnlyList<ActiveSilence> Silences,
    IReadOnlyList<MaintenancePeriod> Maintenance,
    IReadOnlyList<ComponentStatus>? Components = null)
{
    public HealthState Overall => Stack?.Worst ?? HealthState.Unknown;
}
