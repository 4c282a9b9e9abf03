namespace OpsBot.Alerts;

/// <summary>
/// Posts an alert somewhere people read it (the Discord alert channel). Throw when it could not be
/// delivered: the dispatcher keeps the alert queued and retries.
/// </summary>
public interface IAlertSink
{
    Task SendAsync(OutgoingAlert alert, CancellationToken cancellationToken);
}
