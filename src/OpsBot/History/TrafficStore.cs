using Microsoft.Data.Sqlite;

namespace OpsBot.History;

public sealed class TrafficStore
{
    private readonly HistoryDatabase _database;

    public TrafficStore(HistoryDatabase database) => _database = database;

    /// <summary>Adds minutes; a minute already stored (a flush split across a restart) is summed, not replaced.</summary>
    public Task<bool> AddAsync(IReadOnlyList<TrafficMinute> minutes, CancellationToken cancellationToken) =>
        minutes.Count == 0 ? Task.FromResult(true) : _database.RunAsync("record traffic", false, async (connection, ct) =>
        {
            using var transaction = connection.BeginTransaction();
            foreach (var minute in minutes)
            {
                var key = minute.Minute.ToUnixTimeSeconds() / 60;
                // SQL cannot add two histogram BLOBs: merge with the stored row here, inside the same transaction.
                var (latency, firstToken) = await MergeWithStoredAsync(connection, transaction, key, minute, ct);
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT INTO traffic_minutes (minute, requests, failed, empty_answers, loop_guard, streamed, prompt_tokens, completion_tokens, latency_ms_total, latency_ms_max, latency_hist, ttft_hist)
                    VALUES ($minute, $requests, $failed, $empty, $loop, $streamed, $prompt, $completion, $latency, $max, $latencyHist, $ttftHist)
                    ON CONFLICT (minute) DO UPDATE SET
                        requests = requests + excluded.requests,
                        failed = failed + excluded.failed,
                        empty_answers = empty_answers + excluded.empty_answers,
                        loop_guard = loop_guard + excluded.loop_guard,
                        streamed = streamed + excluded.streamed,
                        prompt_tokens = prompt_tokens + excluded.prompt_tokens,
                        completion_tokens = completion_tokens + excluded.completion_tokens,
                        latency_ms_total = latency_ms_total + excluded.latency_ms_total,
                        latency_ms_max = MAX(latency_ms_max, excluded.latency_ms_max),
                        latency_hist = excluded.latency_hist,
                        ttft_hist = excluded.ttft_hist;
                    """;
                command.Parameters.AddWithValue("$minute", key);
                command.Parameters.AddWithValue("$requests", minute.Requests);
                command.Parameters.AddWithValue("$failed", minute.Failed);
                command.Parameters.AddWithValue("$empty", minute.EmptyAnswers);
                command.Parameters.AddWithValue("$loop", minute.LoopGuard);
                command.Parameters.AddWithValue("$streamed", minute.Streamed);
                command.Parameters.AddWithValue("$prompt", minute.PromptTokens);
                command.Parameters.AddWithValue("$completion", minute.CompletionTokens);
                command.Parameters.AddWithValue("$latency", minute.LatencyMsTotal);
                command.Parameters.AddWithValue("$max", minute.LatencyMsMax);
                command.Parameters.Add("$latencyHist", SqliteType.Blob).Value = (object?)latency?.Encode() ?? DBNull.Value;
                command.Parameters.Add("$ttftHist", SqliteType.Blob).Value = (object?)firstToken?.Encode() ?? DBNull.Value;
                await command.ExecuteNonQueryAsync(ct);
            }

            await transaction.CommitAsync(ct);
            return true;
        }, cancellationToken);

    private static async Task<(LatencyHistogram? Latency, LatencyHistogram? FirstToken)> MergeWithStoredAsync(
        SqliteConnection connection, SqliteTransaction transaction, long key, TrafficMinute minute, CancellationToken cancellationToken)
    {
        using var query = connection.CreateCommand();
        query.Transaction = transaction;
        query.CommandText = "SELECT latency_hist, ttft_hist FROM traffic_minutes WHERE minute = $minute;";
        query.Parameters.AddWithValue("$minute", key);
        using var reader = await query.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return (minute.Latency, minute.TimeToFirstToken);
        }

        return (Merge(reader, 0, minute.Latency), Merge(reader, 1, minute.TimeToFirstToken));
    }

    private static LatencyHistogram? Merge(SqliteDataReader reader, int column, LatencyHistogram? added)
    {
        if (reader.IsDBNull(column))
        {
            return added;
        }

        var merged = new LatencyHistogram();
        merged.TryMergeEncoded(reader.GetFieldValue<byte[]>(column));
        if (added is not null)
        {
            merged.Merge(added);
        }

        return merged;
    }
}
