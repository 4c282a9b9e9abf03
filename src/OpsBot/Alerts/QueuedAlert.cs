namespace OpsBot.Alerts;

/// <summary>An alert waiting in the outbox; <see cref="StoredId"/> is its SQLite row, null when history is unavailable.</summary>
public sealed record QueuedAlert(long Sequence, long? StoredId, Alert Alert);
