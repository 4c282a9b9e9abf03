using OpsBot.Alerts;

namespace OpsBot.History;

/// <summary>An alert as recorded; <see cref="MutedBy"/> says why it was not posted (silence, maintenance).</summary>
public sealed record AlertRecord(string Key, AlertKind Kind, AlertSeverity Severity, string Text, DateTimeOffset CreatedAt, string? MutedBy);
