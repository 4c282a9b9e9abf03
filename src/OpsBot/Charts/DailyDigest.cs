namespace OpsBot.Charts;

/// <summary>What the daily digest posts: one line of figures for the last 24 h, and the chart of them.</summary>
public sealed record DailyDigest(DateTimeOffset At, string Summary, ChartImage Chart);
