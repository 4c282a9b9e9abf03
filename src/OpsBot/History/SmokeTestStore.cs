using Microsoft.Data.Sqlite;
using OpsBot.Ops;

namespace OpsBot.History;

public sealed class SmokeTestStore : ISmokeTestHistory
{
    // A runaway agent reply must not bloat the database; the verdict and the start of the reply are what matter.
    private const int MaxReplyLength = 2000;

    private readonly HistoryDatabase _database;

    public SmokeTestStore(HistoryDatabase database) => _database = database;

    public Task RecordAsync(SmokeTestRecord record, CancellationToken cancellationToken) =>
        _database.RunAsync("record smoke test", 0, async (connection, ct) =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO smoke_tests (kind, requested_by, at, passed, elapsed_ms, reply, failure, gateway)
                VALUES ($kind, $by, $at, $passed, $elapsed, $reply, $failure, $gateway);
                """;
            command.Parameters.AddWithValue("$kind", record.Kind.ToString());
            command.Parameters.AddWithValue("$by", record.RequestedBy);
            command.Parameters.AddWithValue("$at", UnixTime.ToMs(record.At));
            command.Parameters.AddWithValue("$passed", record.Passed);
            command.Parameters.AddWithValue("$elapsed", (long)record.Elapsed.TotalMilliseconds);
            command.Parameters.AddWithValue("$reply", record.Reply.Length > MaxReplyLength ? record.Reply[..MaxReplyLength] : record.Reply);
            command.Parameters.AddWithValue("$failure", (object?)record.Failure ?? DBNull.Value);
            command.Parameters.AddWithValue("$gateway", (object?)record.Gateway ?? DBNull.Value);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    internal const string Columns = "kind, requested_by, at, passed, elapsed_ms, reply, failure, gateway";

    internal static SmokeTestRecord Read(SqliteDataReader reader) => new(
        Enum.Parse<SmokeTestKind>(reader.GetString(0)),
        reader.GetString(1),
        UnixTime.FromMs(reader.GetInt64(2)),
        reader.GetBoolean(3),
        TimeSpan.FromMilliseconds(reader.GetInt64(4)),
        reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetString(7));
}
