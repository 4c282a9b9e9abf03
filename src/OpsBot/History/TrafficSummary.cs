namespace OpsBot.History;

/// <summary>Proxy traffic over a window, from the per-minute roll-up.</summary>
public sealed record TrafficSummary(
    DateTimeOffset From,
    DateTimeOffset To,
    long Requests,
    long Failed,
    long EmptyAnswers,
    long LoopGuard,
    long PromptTokens,
    long CompletionTokens,
    TimeSpan? AverageLatency,
    TimeSpan? MaxLatency,
    int BusiestMinuteRequests);
