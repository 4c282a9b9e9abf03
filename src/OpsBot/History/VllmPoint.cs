namespace OpsBot.History;

/// <summary>
/// vLLM in one interval of a series, from the monitor's samples: means and peaks of the gauges (KV-cache use as a
/// fraction, 1 = full) and the generation throughput over the interval; null where no sample had the value.
/// </summary>
public sealed record VllmPoint(
    DateTimeOffset Start,
    int Samples,
    double? KvCacheMean,
    double? KvCacheMax,
    double? RunningMean,
    double? RunningMax,
    double? WaitingMean,
    double? WaitingMax,
    double? GenerationTokensPerSecond);
