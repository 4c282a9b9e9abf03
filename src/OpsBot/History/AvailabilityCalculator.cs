using OpsBot.Ops;

namespace OpsBot.History;

/// <summary>Turns outage incidents into uptime: overlapping outages count once, open ones run to the end of the window.</summary>
public static class AvailabilityCalculator
{
    public static AvailabilityReport Compute(IEnumerable<IncidentRecord> incidents, TimeSpan requestedWindow, DateTimeOffset from, DateTimeOffset to)
    {
        var outages = incidents
            .Where(i => i.IsOutage)
            .Select(i => (i.Service, Start: Max(i.OpenedAt, from), End: Min(i.ResolvedAt ?? to, to)))
            .Where(o => o.End > o.Start)
            .ToList();
        var span = to - from;
        var services = Enum.GetValues<StackService>()
            .Select(service =>
            {
                var own = outages.Where(o => o.Service == service).Select(o => (o.Start, o.End)).ToList();
                var down = MergedLength(own);
                return new ServiceAvailability(service, Percent(down, span), down, own.Count);
            })
            .ToList();
        var stackDown = MergedLength(outages.Select(o => (o.Start, o.End)).ToList());
        return new AvailabilityReport(requestedWindow, from, to, Percent(stackDown, span), stackDown, services);
    }

    private static TimeSpan MergedLength(List<(DateTimeOffset Start, DateTimeOffset End)> intervals)
    {
        var total = TimeSpan.Zero;
        DateTimeOffset? runStart = null, runEnd = null;
        foreach (var (start, end) in intervals.OrderBy(i => i.Start))
        {
            if (runEnd is { } e && start <= e)
            {
                runEnd = Max(e, end);
                continue;
            }

            if (runStart is { } s && runEnd is { } re)
            {
                total += re - s;
            }

            runStart = start;
            runEnd = end;
        }

        if (runStart is { } last && runEnd is { } lastEnd)
        {
            total += lastEnd - last;
        }

        return total;
    }

    private static double Percent(TimeSpan down, TimeSpan span) =>
        span <= TimeSpan.Zero ? 100.0 : Math.Round(100.0 * (1.0 - (down.TotalMilliseconds / span.TotalMilliseconds)), 2);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
