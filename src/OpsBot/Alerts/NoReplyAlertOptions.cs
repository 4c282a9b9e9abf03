namespace OpsBot.Alerts;

/// <summary>The "No reply from agent" incident: how many failures in what window warn, alert, and when it counts as over.</summary>
public sealed class NoReplyAlertOptions
{
    /// <summary>Failures within <see cref="Window"/> that open an incident as a warning.</summary>
    public int WarnThreshold { get; set; } = 1;

    /// <summary>Failures within <see cref="Window"/> that make it critical.</summary>
    public int AlertThreshold { get; set; } = 3;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Quiet time (no failure) after which the incident is resolved.</summary>
    public TimeSpan ResolveAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>At most one "still failing" count per this interval.</summary>
    public TimeSpan UpdateInterval { get; set; } = TimeSpan.FromMinutes(5);
}
