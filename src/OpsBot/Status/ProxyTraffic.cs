namespace OpsBot.Status;

/// <summary>
/// The proxy's last hour as /status shows it. Counts come from the proxy's live counters inside the service (they include
/// the minute in progress) and from history otherwise; percentiles always come from history's per-minute histograms
/// (null when history has no request in the window, or is off).
/// </summary>
public sealed record ProxyTraffic(
    long Requests,
    long Errors,
    long EmptyAnswers,
    TimeSpan? LatencyP50 = null,
    TimeSpan? LatencyP95 = null,
    TimeSpan? TimeToFirstTokenP50 = null,
    TimeSpan? TimeToFirstTokenP95 = null);
