using System.Globalization;

namespace OpsBot.Charts;

/// <summary>A time of day in a zone, and the next instant it comes round (see <see cref="DigestOptions.TimeZone"/> for daylight saving).</summary>
public sealed record DigestSchedule(TimeOnly Time, TimeZoneInfo Zone, string ZoneName)
{
    private static readonly string[] TimeFormats = ["H:mm", "HH:mm"];

    /// <summary>
    /// The schedule the options ask for; null when the digest is off (no time set) or the options are wrong, in which
    /// case <paramref name="problem"/> says what to fix.
    /// </summary>
    public static DigestSchedule? From(DigestOptions options, TimeZoneInfo local, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(options.Time))
        {
            return null;
        }

        if (!TimeOnly.TryParseExact(options.Time.Trim(), TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            problem = $"{DigestOptions.SectionName}:Time must be HH:mm on a 24-hour clock, e.g. 08:00 (got '{options.Time}').";
            return null;
        }

        var name = string.IsNullOrWhiteSpace(options.TimeZone) ? "UTC" : options.TimeZone.Trim();
        if (string.Equals(name, "UTC", StringComparison.OrdinalIgnoreCase))
        {
            return new DigestSchedule(time, TimeZoneInfo.Utc, "UTC");
        }

        if (string.Equals(name, "Local", StringComparison.OrdinalIgnoreCase))
        {
            return new DigestSchedule(time, local, local.Id);
        }

        if (TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone))
        {
            return new DigestSchedule(time, zone, zone.Id);
        }

        problem = $"{DigestOptions.SectionName}:TimeZone '{name}' is not a time zone this system knows: use UTC, Local, or an IANA name such as Europe/Berlin.";
        return null;
    }

    /// <summary>The first instant after <paramref name="after"/> at which the zone's clock shows <see cref="Time"/>.</summary>
    public DateTimeOffset NextAfter(DateTimeOffset after)
    {
        var localAfter = TimeZoneInfo.ConvertTime(after, Zone);
        for (var date = DateOnly.FromDateTime(localAfter.DateTime); ; date = date.AddDays(1))
        {
            var at = Instant(date.ToDateTime(Time, DateTimeKind.Unspecified));
            if (at > after)
            {
                return at;
            }
        }
    }

    public override string ToString() => $"{Time.ToString("HH:mm", CultureInfo.InvariantCulture)} {ZoneName}";

    private DateTimeOffset Instant(DateTime local)
    {
        // Skipped by a clock change (02:30 on the night clocks go forward): the first minute that exists after it.
        while (Zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }

        // Passed twice (the night clocks go back): the first time, while the larger (summer) offset still holds.
        var offset = Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }
}
