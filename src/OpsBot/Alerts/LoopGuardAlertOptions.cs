namespace OpsBot.Alerts;

/// <summary>When the proxy's loop guard aborting agent loops counts as a spike.</summary>
public sealed class LoopGuardAlertOptions
{
    public int Threshold { get; set; } = 5;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);
}
