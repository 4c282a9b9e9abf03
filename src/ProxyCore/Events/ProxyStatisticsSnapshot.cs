namespace OpsBot.ProxyCore.Events;

/// <summary>Proxy counters for /status: totals since start and a sliding last-hour window.</summary>
public sealed record ProxyStatisticsSnapshot(
    DateTimeOffset StartedAt,
    TimeSpan Uptime,
    long TotalRequests,
    int RequestsLastHour,
    int ErrorsLastHour,
    int EmptyAnswersLastHour,
    DateTimeOffset? LastFailureAt,
    string? LastFailure);
