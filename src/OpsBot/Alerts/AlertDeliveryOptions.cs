namespace OpsBot.Alerts;

/// <summary>The outbox between alerting and Discord: bounded, persisted, retried with backoff.</summary>
public sealed class AlertDeliveryOptions
{
    /// <summary>Queued alerts beyond this drop the oldest (and say so when delivery resumes).</summary>
    public int MaxQueued { get; set; } = 500;

    /// <summary>An alert older than this is dropped instead of posted: news that stale misleads more than it helps.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(24);

    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>An alert that waited longer than this says by how much it was delayed.</summary>
    public TimeSpan DelayNoteAfter { get; set; } = TimeSpan.FromMinutes(1);
}
