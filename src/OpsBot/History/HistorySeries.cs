namespace OpsBot.History;

/// <summary>
/// Traffic and vLLM over [<see cref="From"/>, <see cref="To"/>) in intervals of <see cref="Step"/>, one point per
/// interval whether or not anything happened in it (counts 0, values null), oldest first.
/// </summary>
/// <param name="From">The first interval's start: the requested start rounded down to a multiple of the step (UTC, from the Unix epoch).</param>
/// <param name="To">The end of the last interval with data: the requested end (the last interval may be shorter than the step).</param>
public sealed record HistorySeries(
    DateTimeOffset From,
    DateTimeOffset To,
    TimeSpan Step,
    IReadOnlyList<TrafficPoint> Traffic,
    IReadOnlyList<VllmPoint> Vllm,
    HistoryHealth Health)
{
    /// <summary>True when some interval had a request or a vLLM sample.</summary>
    public bool HasData => Traffic.Any(p => p.Requests > 0) || Vllm.Any(p => p.Samples > 0);
}
