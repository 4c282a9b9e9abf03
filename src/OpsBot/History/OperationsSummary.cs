namespace OpsBot.History;

/// <summary>
/// The figures an operator acts on, over a recent window (the last hour for /status and the digest): proxy requests,
/// errors, empty answers, latency and time-to-first-token percentiles, and the latest vLLM minute.
/// </summary>
/// <param name="Traffic">Totals and percentiles over the whole window (its <see cref="TrafficPoint.Start"/> is <see cref="From"/>).</param>
/// <param name="LatestVllm">The newest minute with a vLLM sample in the window (its means are that minute's samples), or null.</param>
public sealed record OperationsSummary(
    DateTimeOffset From,
    DateTimeOffset To,
    TrafficPoint Traffic,
    VllmPoint? LatestVllm,
    HistoryHealth Health);
