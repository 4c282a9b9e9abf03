using OpsBot.Alerts;
using OpsBot.Ops;

namespace OpsBot.History;

/// <summary>An incident as stored; <see cref="ResolvedAt"/> is null while it is still open.</summary>
public sealed record IncidentRecord(
    long Id,
    string Key,
    StackService? Service,
    AlertSeverity Severity,
    string Title,
    string? Detail,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ResolvedAt,
    int Occurrences,
    bool IsOutage,
    bool DuringMaintenance);
