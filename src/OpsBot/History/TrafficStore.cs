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
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT INTO traffic_minutes (minute, requests, failed, empty_answers, loop_guard, streamed, prompt_tokens, completion_tokens, latency_ms_total, latency_ms_max)
                    VALUES ($minute, $requests, $failed, $empty, $loop, $streamed, $prompt, $completion, $latency, $max)
                    ON CONFLICT (minute) DO UPDATE SET
                        requests = requests + excluded.requests,
                        failed = failed + excluded.failed,
                        empty_answers = empty_answers + excluded.empty_answers,
                        loop_guard = loop_guard + excluded.loop_guard,
                        streamed = streamed + excluded.streamed,
                        prompt_tokens = prompt_tokens + excluded.prompt_tokens,
                        completion_tokens = completion_tokens + excluded.completion_tokens,
                        latency_ms_total = latency_ms_total + excluded.latency_ms_total,
                        latency_ms_max = MAX(latency_ms_max, excluded.latency_ms_max);
                    """;
                command.Parameters.AddWithValue("$minute", minute.Minute.ToUnixTimeSeconds() / 60);
                command.Parameters.AddWithValue("$requests", minute.Requests);
                command.Parameters.AddWithValue("$failed", minute.Failed);
                command.Parameters.AddWithValue("$empty", minute.EmptyAnswers);
                command.Parameters.AddWithValue("$loop", minute.LoopGuard);
                command.Parameters.AddWithValue("$streamed", minute.Streamed);
                command.Parameters.AddWithValue("$prompt", minute.PromptTokens);
                command.Parameters.AddWithValue("$completion", minute.CompletionTokens);
                command.Parameters.AddWithValue("$latency", minute.LatencyMsTotal);
                command.Parameters.AddWithValue("$max", minute.LatencyMsMax);
                await command.ExecuteNonQueryAsync(ct);
            }

            await transaction.CommitAsync(ct);
            return true;
        }, cancellationToken);
}
