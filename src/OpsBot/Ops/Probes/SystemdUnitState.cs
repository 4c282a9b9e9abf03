namespace OpsBot.Ops.Probes;

/// <summary>The properties of <c>systemctl --user show</c> that /status reports.</summary>
public sealed record SystemdUnitState(
    string ActiveState,
    string SubState,
    DateTimeOffset? ActiveEnterTimestamp,
    string? ActiveEnterTimestampText,
    int? RestartCount,
    int? MainPid);
