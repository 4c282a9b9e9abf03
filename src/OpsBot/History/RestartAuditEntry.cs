using OpsBot.Ops;

namespace OpsBot.History;

/// <summary>Who restarted what, when, and how it went.</summary>
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

    public static RestartAuditEntry From(RestartResult result, string requestedBy, DateTimeOffset finishedAt) =>
        new(result.Service, requestedBy, finishedAt - result.Elapsed, finishedAt, result.Succeeded, result.Message, result.TimeToHealthy);
}
