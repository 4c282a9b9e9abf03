namespace OpsBot.History;

/// <summary>A /history request: what, how far back, and at most how many rows per kind.</summary>
public sealed record HistoryQuery(HistoryKind Kind, TimeSpan Window, int Limit = 10)
{
    /// <summary>How far back a query may reach, in hours: a constant so Discord's <c>/history hours:</c> bound is this same number.</summary>
    public const int MaxHours = 24 * 90;

    public static readonly TimeSpan MaxWindow = TimeSpan.FromHours(MaxHours);

    public const int MaxLimit = 50;

    public HistoryQuery Clamped() => this with
    {
        Window = Window <= TimeSpan.Zero ? TimeSpan.FromHours(24) : Window > MaxWindow ? MaxWindow : Window,
        Limit = Math.Clamp(Limit, 1, MaxLimit),
    };
}
