using System.Globalization;

namespace OpsBot.Ops.Probes;

/// <summary>Parses <c>systemctl show --property=…</c> output (KEY=value lines, order not guaranteed).</summary>
public static class SystemctlShowParser
{
    public static SystemdUnitState? Parse(string output)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var eq = line.IndexOf('=');
            if (eq > 0)
            {
                values[line[..eq].Trim()] = line[(eq + 1)..].Trim();
            }
        }

        if (!values.TryGetValue("ActiveState", out var active) || active.Length == 0)
        {
            return null;
        }

        var timestampText = values.GetValueOrDefault("ActiveEnterTimestamp");
        return new SystemdUnitState(
            active,
            values.GetValueOrDefault("SubState") ?? "",
            ParseTimestamp(timestampText),
            string.IsNullOrWhiteSpace(timestampText) || timestampText == "n/a" ? null : timestampText,
            ParseInt(values.GetValueOrDefault("NRestarts")),
            ParseInt(values.GetValueOrDefault("MainPID")));
    }

    /// <summary>
    /// systemd prints "Wed 2026-11-25 10:00:00 UTC" in the host's zone. Only zones with a fixed,
    /// unambiguous offset (UTC/GMT or a numeric offset) are converted; others stay text only.
    /// </summary>
    public static DateTimeOffset? ParseTimestamp(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text == "n/a")
        {
            return null;
        }

        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3)
        {
            return null;
        }

        var (date, time) = parts[0].Length == 3 ? (parts[1], parts[2]) : (parts[0], parts[1]);
        var zone = parts[^1];
        if (!DateTime.TryParseExact($"{date} {time}", "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return null;
        }

        TimeSpan offset;
        if (zone is "UTC" or "GMT" or "Z")
        {
            offset = TimeSpan.Zero;
        }
        else if ((zone.StartsWith('+') || zone.StartsWith('-')) && zone.Length == 5
                 && int.TryParse(zone.AsSpan(1, 2), CultureInfo.InvariantCulture, out var h)
                 && int.TryParse(zone.AsSpan(3, 2), CultureInfo.InvariantCulture, out var m))
        {
            offset = new TimeSpan(h, m, 0) * (zone[0] == '-' ? -1 : 1);
        }
        else
        {
            return null;
        }

        return new DateTimeOffset(local, offset);
    }

    private static int? ParseInt(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
