namespace OpsBot.History;

/// <summary>
/// One vLLM <c>/metrics</c> sample as history keeps it: the gauges as read (KV-cache use as a fraction, 1 = full), and
/// the tokens generated since the previous sample over the seconds between them (both null for the first sample, or
/// after vLLM restarted and its counter started again).
/// </summary>
public sealed record VllmSample(
    DateTimeOffset At,
    double? KvCacheUsage,
    double? RequestsRunning,
    double? RequestsWaiting,
    double? GeneratedTokens,
    double? GenerationSeconds);
