using OpsBot.Alerts;

namespace OpsBot.History;

/// <summary>Every alert raised, posted or muted, for /history.</summary>
public sealed class AlertLogStore
{
    private readonly HistoryDatabase _database;

    public AlertLogStore(HistoryDatabase database) => _database = database;

    public Task RecordAsync(Alert alert, string? mutedBy, CancellationToken cancellationToken) =>
        _database.RunAsync("record alert", 0, async (connection, ct) =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO alerts (key, kind, severity, text, created_at, muted_by) VALUES ($key, $kind, $severity, $text, $at, $muted);";
            command.Parameters.AddWithValue("$key", alert.Key);
            command.Parameters.AddWithValue("$kind", alert.Kind.ToString());
            command.Parameters.AddWithValue("$severity", alert.Severity.ToString());
            command.Parameters.AddWithValue("$text", alert.Text);
            command.Parameters.AddWithValue("$at", UnixTime.ToMs(alert.CreatedAt));
            command.Parameters.AddWithValue("$muted", (object?)mutedBy ?? DBNull.Value);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
}
