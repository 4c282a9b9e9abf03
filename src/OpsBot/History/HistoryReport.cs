using OpsBot.Ops.Restarts;

namespace OpsBot.History;

/// <summary>What /history renders. Lists are newest first; empty (not null) when not asked for or not available.</summary>
public sealed record HistoryReport(
    HistoryQuery Query,
    DateTimeOffset From,
    DateTimeOffset To,
    HistoryHealth Health,
    AvailabilityReport? Availability,
    IReadOnlyList<IncidentRecord> Incidents,
    IReadOnlyList<AlertRecord> Alerts,
    IReadOnlyList<RestartAuditEntry> Restarts,
    IReadOnlyList<SmokeTestRecord> SmokeTests,
    TrafficSummary? Traffic);
