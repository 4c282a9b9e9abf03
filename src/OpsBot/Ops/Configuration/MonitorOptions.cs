namespace OpsBot.Ops.Configuration;

/// <summary>The background health monitor (section <c>Ops:Monitor</c>).</summary>
public sealed class MonitorOptions
{
    public const string SectionName = "Ops:Monitor";

    public bool Enabled { get; set; } = true;

    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Budget for one service's probe; a slower probe reports Unknown rather than delaying the rest.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Consecutive observations a new state needs before it counts as a transition (damps flapping).</summary>
    public int ConfirmationProbes { get; set; } = 1;

    public int HistoryCapacity { get; set; } = 500;
}
