namespace OpsBot.Ops.Probes;

/// <summary>The three vLLM gauges /status shows; null when the series is absent.</summary>
public sealed record VllmMetrics(double? RequestsRunning, double? RequestsWaiting, double? KvCacheUsage);
