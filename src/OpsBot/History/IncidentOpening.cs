using OpsBot.Alerts;
using OpsBot.Ops;

namespace OpsBot.History;

/// <summary>A new incident. <see cref="IsOutage"/> marks a service down: those count against uptime.</summary>
public sealed record IncidentOpening(
    string Key,
    StackService? Service,
    AlertSeverity Severity,
    string Title,
    string? Detail,
    DateTimeOffset OpenedAt,
    bool IsOutage,
    bool DuringMaintenance);
