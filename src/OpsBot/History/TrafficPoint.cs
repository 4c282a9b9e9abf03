namespace OpsBot.History;

/// <summary>
/// Proxy traffic in one interval of a series (or a whole window, for a summary): counts, and percentiles merged from
/// the minutes' histograms (null when the interval has no request, or only rows from before histograms were kept).
/// </summary>
public sealed record TrafficPoint(
    DateTimeOffset Start,
    long Requests,
    long Failed,
    long EmptyAnswers,
    TimeSpan? LatencyP50,
    TimeSpan? LatencyP95,
    TimeSpan? TimeToFirstTokenP50,
    TimeSpan? TimeToFirstTokenP95);
