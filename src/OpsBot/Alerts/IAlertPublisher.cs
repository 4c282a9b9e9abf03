namespace OpsBot.Alerts;

/// <summary>Logs and records an alert, and queues it for the alert channel unless it is muted. Never throws for delivery problems.</summary>
public interface IAlertPublisher
{
    /// <param name="mutedBy">Why it is held back (silence, maintenance), or null to post it.</param>
    Task PublishAsync(Alert alert, string? mutedBy, CancellationToken cancellationToken);
}
