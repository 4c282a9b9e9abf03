namespace OpsBot.Alerts;

/// <summary>
/// One message for the alert channel. <see cref="Key"/> names the incident it belongs to
/// (e.g. <c>no-reply</c>, <c>health:Vllm:reachable</c>) so history and dedup can group messages.
/// </summary>
public sealed record Alert(string Key, AlertKind Kind, AlertSeverity Severity, string Text, DateTimeOffset CreatedAt);
