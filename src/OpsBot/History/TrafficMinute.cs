namespace OpsBot.History;

/// <summary>Proxy traffic in one UTC minute. Adding two minutes with the same start merges them.</summary>
/// <param name="Latency">Every request's latency, request received to last byte (null: none recorded, or a row from before histograms).</param>
/// <param name="TimeToFirstToken">
/// Streamed answers that neither failed nor came back empty: request received to the first byte of the answer sent to
/// the client (text or a tool call), the wait a user feels.
/// </param>
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
    long LatencyMsMax,
    LatencyHistogram? Latency = null,
    LatencyHistogram? TimeToFirstToken = null);
