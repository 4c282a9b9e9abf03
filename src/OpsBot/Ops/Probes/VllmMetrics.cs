namespace OpsBot.Ops.Probes;

/// <summary>The vLLM gauges /status shows, and the generation-token counter a throughput is derived from; null when the series is absent.</summary>
/// <param name="GenerationTokensTotal">
/// <c>vllm:generation_tokens_total</c> summed over engines: a counter since vLLM started, so only its rate between two
/// samples means anything (and a drop means vLLM restarted).
/// </param>
public sealed record VllmMetrics(double? RequestsRunning, double? RequestsWaiting, double? KvCacheUsage, double? GenerationTokensTotal = null);
