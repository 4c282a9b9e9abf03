using Microsoft.Data.Sqlite;
using OpsBot.Ops;
using OpsBot.Ops.Restarts;

namespace OpsBot.History;

/// <summary>The restart audit in the SQLite history, so it survives restarts.</summary>
public sealed class RestartAuditStore(HistoryDatabase database) : IRestartAuditLog
{
    public Task RecordAsync(RestartAuditEntry entry, CancellationToken cancellationToken) =>
        database.RunAsync("record restart", 0, async (connection, ct) =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO restarts (service, requested_by, started_at, finished_at, succeeded, message, elapsed_ms, time_to_healthy_ms)
                VALUES ($service, $by, $started, $finished, $ok, $message, $elapsed, $healthy);
                """;
            command.Parameters.AddWithValue("$service", entry.Service.ToString());
            command.Parameters.AddWithValue("$by", entry.RequestedBy);
            command.Parameters.AddWithValue("$started", UnixTime.ToMs(entry.StartedAt));
            command.Parameters.AddWithValue("$finished", UnixTime.ToMs(entry.FinishedAt));
            command.Parameters.AddWithValue("$ok", entry.Succeeded);
            command.Parameters.AddWithValue("$message", entry.Message);
            command.Parameters.AddWithValue("$elapsed", (long)entry.Elapsed.TotalMilliseconds);
            command.Parameters.AddWithValue("$healthy", entry.TimeToHealthy is { } t ? (long)t.TotalMilliseconds : DBNull.Value);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public Task<IReadOnlyList<RestartAuditEntry>> GetRecentAsync(int count, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<RestartAuditEntry>>("read restarts", [], async (connection, ct) =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {Columns} FROM restarts ORDER BY started_at DESC, id DESC LIMIT $count;";
            command.Parameters.AddWithValue("$count", count);
            return await ReadAllAsync(command, ct);
        }, cancellationToken);

    internal const string Columns = "service, requested_by, started_at, finished_at, succeeded, message, time_to_healthy_ms";

    internal static async Task<IReadOnlyList<RestartAuditEntry>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<RestartAuditEntry>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new RestartAuditEntry(
                Enum.Parse<StackService>(reader.GetString(0)),
                reader.GetString(1),
                UnixTime.FromMs(reader.GetInt64(2)),
                UnixTime.FromMs(reader.GetInt64(3)),
                reader.GetBoolean(4),
                reader.GetString(5),
                reader.IsDBNull(6) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(6))));
        }

        return entries;
    }
}
