using Microsoft.Data.Sqlite;
using OpsBot.Alerts;
using OpsBot.Ops.Restarts;

namespace OpsBot.History;

public sealed class HistoryQueryService(HistoryDatabase database, TimeProvider time) : IHistoryQueryService
{
    private readonly HistoryDatabase _database = database;
    private readonly TimeProvider _time = time;

    public HistoryHealth GetHealth() => _database.Health;

    public Task<AvailabilityReport?> GetAvailabilityAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        var to = _time.GetUtcNow();
        return _database.RunAsync<AvailabilityReport?>("read availability", null, async (connection, ct) =>
        {
            var from = Start(to - window);
            var outages = await ReadIncidentsAsync(connection, "is_outage = 1 AND opened_at < $to AND (resolved_at IS NULL OR resolved_at > $from)", from, to, int.MaxValue, ct);
            return AvailabilityCalculator.Compute(outages, window, from, to);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<IncidentRecord>> GetRecentIncidentsAsync(int count, CancellationToken cancellationToken) =>
        _database.RunAsync<IReadOnlyList<IncidentRecord>>("read incidents", [], (connection, ct) =>
            ReadIncidentsAsync(connection, "1 = 1", DateTimeOffset.UnixEpoch, _time.GetUtcNow(), count, ct), cancellationToken);

    public async Task<HistoryReport> GetReportAsync(HistoryQuery query, CancellationToken cancellationToken)
    {
        query = query.Clamped();
        var to = _time.GetUtcNow();
        var requestedFrom = to - query.Window;
        bool Wants(HistoryKind kind) => query.Kind == HistoryKind.All || query.Kind == kind;

        var empty = new HistoryReport(query, requestedFrom, to, _database.Health, null, [], [], [], [], null);
        var report = await _database.RunAsync<HistoryReport?>("read history", null, async (connection, ct) =>
        {
            var from = requestedFrom;
            IReadOnlyList<IncidentRecord> incidents = [];
            IReadOnlyList<AlertRecord> alerts = [];
            IReadOnlyList<RestartAuditEntry> restarts = [];
            IReadOnlyList<SmokeTestRecord> smokeTests = [];
            TrafficSummary? traffic = null;
            AvailabilityReport? availability = null;
            if (Wants(HistoryKind.Incidents))
            {
                incidents = await ReadIncidentsAsync(connection, "opened_at < $to AND (resolved_at IS NULL OR resolved_at > $from)", from, to, query.Limit, ct);
                var observedFrom = Start(requestedFrom);
                var outages = await ReadIncidentsAsync(connection, "is_outage = 1 AND opened_at < $to AND (resolved_at IS NULL OR resolved_at > $from)", observedFrom, to, int.MaxValue, ct);
                availability = AvailabilityCalculator.Compute(outages, query.Window, observedFrom, to);
            }

            if (Wants(HistoryKind.Alerts))
            {
                alerts = await ReadAlertsAsync(connection, from, to, query.Limit, ct);
            }

            if (Wants(HistoryKind.Restarts))
            {
                using var command = Command(connection, $"SELECT {RestartAuditStore.Columns} FROM restarts WHERE started_at >= $from AND started_at <= $to ORDER BY started_at DESC, id DESC LIMIT $limit;", from, to, query.Limit);
                restarts = await RestartAuditStore.ReadAllAsync(command, ct);
            }

            if (Wants(HistoryKind.SmokeTests))
            {
                smokeTests = await ReadSmokeTestsAsync(connection, from, to, query.Limit, ct);
            }

            if (Wants(HistoryKind.Traffic))
            {
                traffic = await ReadTrafficAsync(connection, from, to, ct);
            }

            return new HistoryReport(query, from, to, _database.Health, availability, incidents, alerts, restarts, smokeTests, traffic);
        }, cancellationToken);
        return report ?? empty with { Health = _database.Health };
    }

    // History never reaches back before the database existed: do not count unobserved time as uptime.
    private DateTimeOffset Start(DateTimeOffset requested) =>
        _database.CreatedAt is { } created && created > requested ? created : requested;

    private static async Task<IReadOnlyList<IncidentRecord>> ReadIncidentsAsync(SqliteConnection connection, string where, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        using var command = Command(connection, $"SELECT {IncidentStore.Columns} FROM incidents WHERE {where} ORDER BY opened_at DESC, id DESC LIMIT $limit;", from, to, limit);
        var incidents = new List<IncidentRecord>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            incidents.Add(IncidentStore.Read(reader));
        }

        return incidents;
    }

    private static async Task<IReadOnlyList<AlertRecord>> ReadAlertsAsync(SqliteConnection connection, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        using var command = Command(connection, "SELECT key, kind, severity, text, created_at, muted_by FROM alerts WHERE created_at >= $from AND created_at <= $to ORDER BY created_at DESC, id DESC LIMIT $limit;", from, to, limit);
        var alerts = new List<AlertRecord>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            alerts.Add(new AlertRecord(reader.GetString(0), Enum.Parse<AlertKind>(reader.GetString(1)), Enum.Parse<AlertSeverity>(reader.GetString(2)),
                reader.GetString(3), UnixTime.FromMs(reader.GetInt64(4)), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return alerts;
    }

    private static async Task<IReadOnlyList<SmokeTestRecord>> ReadSmokeTestsAsync(SqliteConnection connection, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        using var command = Command(connection, $"SELECT {SmokeTestStore.Columns} FROM smoke_tests WHERE at >= $from AND at <= $to ORDER BY at DESC, id DESC LIMIT $limit;", from, to, limit);
        var results = new List<SmokeTestRecord>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(SmokeTestStore.Read(reader));
        }

        return results;
    }

    private static async Task<TrafficSummary> ReadTrafficAsync(SqliteConnection connection, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT COALESCE(SUM(requests), 0), COALESCE(SUM(failed), 0), COALESCE(SUM(empty_answers), 0), COALESCE(SUM(loop_guard), 0),
                   COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0), COALESCE(SUM(latency_ms_total), 0),
                   COALESCE(MAX(latency_ms_max), 0), COALESCE(MAX(requests), 0)
            FROM traffic_minutes WHERE minute >= $from AND minute <= $to;
            """;
        command.Parameters.AddWithValue("$from", from.ToUnixTimeSeconds() / 60);
        command.Parameters.AddWithValue("$to", to.ToUnixTimeSeconds() / 60);
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var requests = reader.GetInt64(0);
        return new TrafficSummary(from, to, requests, reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5),
            requests == 0 ? null : TimeSpan.FromMilliseconds(reader.GetInt64(6) / (double)requests),
            requests == 0 ? null : TimeSpan.FromMilliseconds(reader.GetInt64(7)),
            reader.GetInt32(8));
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, DateTimeOffset from, DateTimeOffset to, int limit)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$from", UnixTime.ToMs(from));
        command.Parameters.AddWithValue("$to", UnixTime.ToMs(to));
        command.Parameters.AddWithValue("$limit", limit);
        return command;
    }
}
