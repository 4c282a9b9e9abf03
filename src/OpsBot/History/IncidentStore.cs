using Microsoft.Data.Sqlite;
using OpsBot.Alerts;
using OpsBot.Ops;

namespace OpsBot.History;

public sealed class IncidentStore : IIncidentStore
{
    private readonly HistoryDatabase _database;

    public IncidentStore(HistoryDatabase database) => _database = database;

    public Task<long?> OpenAsync(IncidentOpening opening, CancellationToken cancellationToken) =>
        _database.RunAsync<long?>("open incident", null, async (connection, ct) =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO incidents (key, service, severity, title, detail, opened_at, occurrences, is_outage, during_maintenance)
                VALUES ($key, $service, $severity, $title, $detail, $opened, 1, $outage, $maintenance)
                RETURNING id;
                """;
            command.Parameters.AddWithValue("$key", opening.Key);
            command.Parameters.AddWithValue("$service", (object?)opening.Service?.ToString() ?? DBNull.Value);
            command.Parameters.AddWithValue("$severity", opening.Severity.ToString());
            command.Parameters.AddWithValue("$title", opening.Title);
            command.Parameters.AddWithValue("$detail", (object?)opening.Detail ?? DBNull.Value);
            command.Parameters.AddWithValue("$opened", UnixTime.ToMs(opening.OpenedAt));
            command.Parameters.AddWithValue("$outage", opening.IsOutage);
            command.Parameters.AddWithValue("$maintenance", opening.DuringMaintenance);
            return (long?)await command.ExecuteScalarAsync(ct);
        }, cancellationToken);

    public Task UpdateAsync(long id, AlertSeverity severity, int occurrences, bool isOutage, CancellationToken cancellationToken) =>
        _database.RunAsync("update incident", 0, async (connection, ct) =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE incidents SET severity = $severity, occurrences = $occurrences, is_outage = MAX(is_outage, $outage) WHERE id = $id;";
            command.Parameters.AddWithValue("$severity", severity.ToString());
            command.Parameters.AddWithValue("$occurrences", occurrences);
            command.Parameters.AddWithValue("$outage", isOutage);
            command.Parameters.AddWithValue("$id", id);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public Task ResolveAsync(long id, DateTimeOffset resolvedAt, int occurrences, CancellationToken cancellationToken) =>
        _database.RunAsync("resolve incident", 0, async (connection, ct) =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE incidents SET resolved_at = $resolved, occurrences = $occurrences WHERE id = $id AND resolved_at IS NULL;";
            command.Parameters.AddWithValue("$resolved", UnixTime.ToMs(resolvedAt));
            command.Parameters.AddWithValue("$occurrences", occurrences);
            command.Parameters.AddWithValue("$id", id);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public Task<IReadOnlyList<IncidentRecord>> GetOpenAsync(string keyPrefix, CancellationToken cancellationToken) =>
        _database.RunAsync<IReadOnlyList<IncidentRecord>>("read open incidents", [], async (connection, ct) =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {Columns} FROM incidents WHERE resolved_at IS NULL AND substr(key, 1, length($prefix)) = $prefix ORDER BY opened_at, id;";
            command.Parameters.AddWithValue("$prefix", keyPrefix);
            var open = new List<IncidentRecord>();
            using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                open.Add(Read(reader));
            }

            return open;
        }, cancellationToken);

    /// <summary>
    /// Closes incidents a previous run left open, except those whose key starts with <paramref name="keepPrefix"/>: health
    /// incidents are re-evaluated by the monitors after start and continue while the outage does (one outage, one incident).
    /// The others' real end is unknown; closing them at this start keeps uptime honest-but-pessimistic.
    /// </summary>
    public Task<int> CloseAbandonedAsync(DateTimeOffset at, CancellationToken cancellationToken, string? keepPrefix = null) =>
        _database.RunAsync("close abandoned incidents", 0, async (connection, ct) =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE incidents SET resolved_at = MAX(opened_at, $at), detail = COALESCE(detail || ' ', '') || '(closed when OpsBot restarted)' "
                + "WHERE resolved_at IS NULL AND ($keep IS NULL OR substr(key, 1, length($keep)) <> $keep);";
            command.Parameters.AddWithValue("$at", UnixTime.ToMs(at));
            command.Parameters.AddWithValue("$keep", (object?)keepPrefix ?? DBNull.Value);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    internal static IncidentRecord Read(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.IsDBNull(2) ? null : Enum.Parse<StackService>(reader.GetString(2)),
        Enum.Parse<AlertSeverity>(reader.GetString(3)),
        reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        UnixTime.FromMs(reader.GetInt64(6)),
        reader.IsDBNull(7) ? null : UnixTime.FromMs(reader.GetInt64(7)),
        reader.GetInt32(8),
        reader.GetBoolean(9),
        reader.GetBoolean(10));

    internal const string Columns = "id, key, service, severity, title, detail, opened_at, resolved_at, occurrences, is_outage, during_maintenance";
}
