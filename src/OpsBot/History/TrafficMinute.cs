namespace OpsBot.History;

/// <summary>Proxy traffic in one UTC minute. Adding two minutes with the same start merges them.</summary>
public sealed record TrafficMinute(
    DateTimeOffset Minute,
    int Requests,
    int Failed,
    int EmptyAnswers,
    int LoopGuard,
    int Streamed,
    long PromptTokens,
    long CompletionTokens,
    long LatencyMsTotal,
    long LatencyMsMax);
