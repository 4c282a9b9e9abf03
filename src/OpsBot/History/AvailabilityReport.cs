namespace OpsBot.History;

/// <summary>
/// Uptime over [<see cref="From"/>, <see cref="To"/>]. <see cref="From"/> is later than requested when history
/// is younger than the window: the report never claims uptime for time nobody watched.
/// </summary>
public sealed record AvailabilityReport(
    TimeSpan RequestedWindow,
    DateTimeOffset From,
    DateTimeOffset To,
    double UptimePercent,
    TimeSpan Downtime,
    IReadOnlyList<ServiceAvailability> Services)
{
    public TimeSpan Covered => To - From;
}
