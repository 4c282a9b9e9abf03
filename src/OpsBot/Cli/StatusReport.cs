using OpsBot.Alerts;
using OpsBot.History;
using OpsBot.Ops;
using OpsBot.ProxyCore.Events;

namespace OpsBot.Cli;

/// <summary>Everything /status shows. Parts that could not be had are null (with <see cref="StackError"/> saying why for the stack).</summary>
public sealed record StatusReport(
    DateTimeOffset TakenAt,
    StackStatus? Stack,
    string? StackError,
    ProxyStatisticsSnapshot? Proxy,
    AvailabilityReport? Availability,
    IReadOnlyList<IncidentRecord> RecentIncidents,
    HistoryHealth? History,
    IReadOnlyList<ActiveSilence> Silences,
    IReadOnlyList<MaintenancePeriod> Maintenance)
{
    public HealthState Overall => Stack?.Worst ?? HealthState.Unknown;
}
