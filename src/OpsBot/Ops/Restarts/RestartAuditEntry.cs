namespace OpsBot.Ops.Restarts;

/// <summary>Who restarted what, when, and how it went. Refused attempts are recorded too.</summary>
public sealed record RestartAuditEntry(
    StackService Service,
    string RequestedBy,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    bool Succeeded,
    string Message,
    TimeSpan? TimeToHealthy)
{
    public TimeSpan Elapsed => FinishedAt - StartedAt;
}
