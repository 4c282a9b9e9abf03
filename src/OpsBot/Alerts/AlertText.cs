using System.Globalization;

namespace OpsBot.Alerts;

/// <summary>Small formatting rules shared by alert messages and the text renderers, so both read the same.</summary>
public static class AlertText
{
    // Discord refuses messages over 2000 characters; leave room for a delay note.
    public const int MaxLength = 1800;

    public static string Duration(TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            value = TimeSpan.Zero;
        }

        return value.TotalSeconds < 60 ? $"{(int)value.TotalSeconds} s"
            : value.TotalMinutes < 60 ? $"{(int)value.TotalMinutes} min"
            : value.TotalHours < 48 ? (value.Minutes == 0 ? $"{(int)value.TotalHours} h" : $"{(int)value.TotalHours} h {value.Minutes} min")
            : value.Hours == 0 ? $"{(int)value.TotalDays} d" : $"{(int)value.TotalDays} d {value.Hours} h";
    }

    public static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    public static string DateTime(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    public static string Fit(string text) => text.Length <= MaxLength ? text : string.Concat(text.AsSpan(0, MaxLength - 1), "…");

    public static string Plural(long count, string singular, string plural) => count == 1 ? $"1 {singular}" : $"{count.ToString(CultureInfo.InvariantCulture)} {plural}";

    public static string Icon(AlertKind kind, AlertSeverity severity) => kind switch
    {
        AlertKind.Resolved => "✅",
        _ when severity == AlertSeverity.Critical => "🚨",
        _ when severity == AlertSeverity.Warning => "⚠️",
        _ => "ℹ️",
    };
}
