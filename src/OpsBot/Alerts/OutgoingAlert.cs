namespace OpsBot.Alerts;

/// <summary>
/// What <see cref="IAlertSink"/> is asked to post. <see cref="Text"/> is final (already notes a delivery
/// delay) and short enough for one Discord message; <see cref="DelayedBy"/> is set when it waited in the outbox.
/// </summary>
public sealed record OutgoingAlert(string Key, AlertKind Kind, AlertSeverity Severity, string Text, DateTimeOffset CreatedAt, TimeSpan? DelayedBy);
