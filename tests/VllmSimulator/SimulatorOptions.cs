namespace OpsBot.VllmSimulator;

/// <summary>How the simulated vLLM server is started.</summary>
public sealed class SimulatorOptions
{
    /// <summary>Loopback port; 0 picks a free one (kept across <see cref="VllmSimulatorServer.StartAgainAsync"/>).</summary>
    public int Port { get; set; }

    /// <summary>Served model name (<c>--served-model-name</c>); other names get 404 like vLLM.</summary>
    public string ModelName { get; set; } = "Qwen/Qwen3-Coder-Next-FP8";

    /// <summary>When set, /v1/* requires <c>Authorization: Bearer KEY</c> (vLLM <c>--api-key</c>).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Clock for <c>created</c>, timestamps and pacing delays; <see cref="TimeProvider.System"/> when null.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Emit the v0.16+ field set (no reasoning_content, tool_calls omitted when empty, newer parser deltas).</summary>
    public bool CurrentShape { get; set; }

    /// <summary><c>--max-model-len</c>: bounds prompt + max_tokens like vLLM's 400 checks.</summary>
    public int MaxModelLen { get; set; } = 262144;

    /// <summary><c>--max-num-seqs</c>: requests beyond it wait (reported as num_requests_waiting); 0 = unlimited.</summary>
    public int MaxNumSeqs { get; set; }

    /// <summary>Requests kept for <see cref="VllmSimulatorServer.Requests"/>; older ones are dropped so long benchmarks stay bounded.</summary>
    public int MaxRecordedRequests { get; set; } = 1000;

    /// <summary><c>--stream-interval</c>: engine tokens per streamed content event (1 = one event per token).</summary>
    public int StreamInterval { get; set; } = 1;

    /// <summary>
    /// Prefix-cache model (off when null): every chat request waits its uncached prompt tokens at this rate before its
    /// answer's own think time, and a request whose leading messages this server saw recently pays only for the rest
    /// (vLLM's automatic prefix caching). <c>vllm:prefix_cache_queries_total</c>/<c>_hits_total</c> count the tokens.
    /// </summary>
    public double? PrefillTokensPerSecond { get; set; }

    /// <summary>Message prefixes the prefix-cache model remembers (least recently used go first): the KV cache's size.</summary>
    public int PrefixCacheEntries { get; set; } = 2048;

    /// <summary>Prompt tokens the prefix-cache model holds at most (the KV cache's size in tokens); 0 = bounded by entries only.</summary>
    public long PrefixCacheTokens { get; set; }

    /// <summary>
    /// <see cref="PrefillTokensPerSecond"/> is the engine's total rather than each request's: uncached prompt tokens of
    /// concurrent requests are processed one request after another (first come first served), so prompts queue under load.
    /// </summary>
    public bool SharedPrefill { get; set; }

    /// <summary>Reported by /version.</summary>
    public string Version { get; set; } = "0.15.1";
}
