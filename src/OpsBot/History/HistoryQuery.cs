namespace OpsBot.History;

/// <summary>A /history request: what, how far back, and at most how many rows per kind.</summary>
public sealed record HistoryQuery(HistoryKind Kind, TimeSpan Window, int Limit = 10)
{
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(90);

    public const int MaxLimit = 50;

    public HistoryQuery Clamped() => this with
    {
        Window = Window <= TimeSpan.Zero ? TimeSpan.FromHours(24) : Window > MaxWindow ? MaxWindow : Window,
        Limit = Math.Clamp(Limit, 1, MaxLimit),
    };
}
