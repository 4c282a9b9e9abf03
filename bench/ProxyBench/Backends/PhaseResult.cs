namespace OpsBot.Bench.Backends;

/// <summary>One conversation turn as the client saw it.</summary>
/// <param name="SentAt">When it was sent, from the start of the phase.</param>
/// <param name="Failure">Why the client did not get the whole, expected answer; null when it did.</param>
internal sealed record TurnRecord(int Conversation, int Turn, TimeSpan SentAt, double LatencyMs, double? FirstTokenMs, string? Failure);

/// <summary>One backend over a phase: the prefix-cache counters of its simulator and the requests opsbot says it answered.</summary>
internal sealed record BackendStats(string Name, double QueriedTokens, double CachedTokens, double SimulatorRequests, double ProxyAnswered, double Failovers, bool Killed);

/// <summary>One routing, run once, with or without a backend killed halfway.</summary>
internal sealed record PhaseResult(
    string Routing,
    bool Kill,
    TimeSpan Wall,
    IReadOnlyList<TurnRecord> Turns,
    IReadOnlyList<BackendStats> Backends,
    string LoadAtStart,
    string LoadAtEnd,
    TimeSpan? KilledAfter,
    int InFlightAtKill,
    ProxyCounts Proxy)
{
    public int Failed => Turns.Count(t => t.Failure is not null);

    /// <summary>Token-weighted, as vLLM's <c>vllm:prefix_cache_hits_total / vllm:prefix_cache_queries_total</c>.</summary>
    public double HitRate => Backends.Sum(b => b.CachedTokens) / Math.Max(1, Backends.Sum(b => b.QueriedTokens));

    /// <summary>Prompt tokens the engines had to process per turn (the prefill work the cache did not save).</summary>
    /// <summary>Share of the run each engine spent on prompt processing (mean over the backends; the killed one until its death).</summary>
    public double PrefillBusy(double tokensPerSecond) => Backends.Average(b =>
        (b.QueriedTokens - b.CachedTokens) / tokensPerSecond / (b.Killed && KilledAfter is { } killed ? killed : Wall).TotalSeconds);

    public double ComputedTokensPerTurn => (Backends.Sum(b => b.QueriedTokens) - Backends.Sum(b => b.CachedTokens)) / Math.Max(1, Backends.Sum(b => b.SimulatorRequests));
}

/// <summary>How opsbot answered (its /metrics at the end of the phase).</summary>
/// <param name="Continued">Streams that broke after text went out, finished by a continuation (<c>opsbot_proxy_stream_continuations_total</c>).</param>
/// <param name="Rewrapped">Streams asked again without streaming before any text went out (<c>opsbot_proxy_chat_requests_total{path="Rewrapped"}</c>).</param>
/// <param name="Errors">Completions opsbot itself counted as failed (<c>outcome="error"</c>).</param>
internal sealed record ProxyCounts(double Continued, double Rewrapped, double Errors);
