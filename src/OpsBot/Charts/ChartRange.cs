namespace OpsBot.Charts;

/// <summary>
/// How far back a chart looks and how wide each of its intervals is: the last hour in 1-minute steps, the last 24 h in
/// 15-minute steps, the last 7 days in 2-hour steps (60 to 97 bars: each one wide enough to see on a phone).
/// </summary>
public sealed record ChartRange(string Name, string Description, TimeSpan Span, TimeSpan Step)
{
    public static ChartRange Hour { get; } = new("1h", "last hour", TimeSpan.FromHours(1), TimeSpan.FromMinutes(1));

    public static ChartRange Day { get; } = new("24h", "last 24 h", TimeSpan.FromHours(24), TimeSpan.FromMinutes(15));

    public static ChartRange Week { get; } = new("7d", "last 7 days", TimeSpan.FromDays(7), TimeSpan.FromHours(2));

    public static IReadOnlyList<ChartRange> All { get; } = [Hour, Day, Week];

    /// <summary>The names as the CLI and the admin endpoint accept them: "1h, 24h or 7d".</summary>
    public static string Names => $"{string.Join(", ", All.Take(All.Count - 1).Select(r => r.Name))} or {All[^1].Name}";

    public override string ToString() => Name;

    /// <summary>The step as a chart labels it: "1 min", "15 min", "2 h".</summary>
    public string StepText => Step.TotalHours >= 1 ? $"{Step.TotalHours:0} h" : $"{Step.TotalMinutes:0} min";

    /// <summary><c>1h</c>, <c>24h</c> (or <c>1d</c>), <c>7d</c> (or <c>1w</c>), in any case.</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ChartRange? range)
    {
        range = text?.Trim().ToLowerInvariant() switch
        {
            "1h" or "60m" => Hour,
            "24h" or "1d" => Day,
            "7d" or "1w" or "168h" => Week,
            _ => null,
        };
        return range is not null;
    }
}
