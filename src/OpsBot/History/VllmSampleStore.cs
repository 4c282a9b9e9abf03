namespace OpsBot.History;

public sealed class VllmSampleStore
{
    private readonly HistoryDatabase _database;

    public VllmSampleStore(HistoryDatabase database) => _database = database;

    /// <summary>Adds a sample to its minute's counts, sums and maxima.</summary>
    public Task<bool> AddAsync(VllmSample sample, CancellationToken cancellationToken) =>
        _database.RunAsync("record vLLM sample", false, async (connection, ct) =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO vllm_minutes (minute, samples, kv_cache_n, kv_cache_sum, kv_cache_max, running_n, running_sum, running_max,
                                          waiting_n, waiting_sum, waiting_max, generated_tokens, generation_seconds)
                VALUES ($minute, 1, $kvN, $kv, $kvMax, $runningN, $running, $runningMax, $waitingN, $waiting, $waitingMax, $tokens, $seconds)
                ON CONFLICT (minute) DO UPDATE SET
                    samples = samples + 1,
                    kv_cache_n = kv_cache_n + excluded.kv_cache_n,
                    kv_cache_sum = kv_cache_sum + excluded.kv_cache_sum,
                    kv_cache_max = COALESCE(MAX(kv_cache_max, excluded.kv_cache_max), kv_cache_max, excluded.kv_cache_max),
                    running_n = running_n + excluded.running_n,
                    running_sum = running_sum + excluded.running_sum,
                    running_max = COALESCE(MAX(running_max, excluded.running_max), running_max, excluded.running_max),
                    waiting_n = waiting_n + excluded.waiting_n,
                    waiting_sum = waiting_sum + excluded.waiting_sum,
                    waiting_max = COALESCE(MAX(waiting_max, excluded.waiting_max), waiting_max, excluded.waiting_max),
                    generated_tokens = generated_tokens + excluded.generated_tokens,
                    generation_seconds = generation_seconds + excluded.generation_seconds;
                """;
            command.Parameters.AddWithValue("$minute", sample.At.ToUnixTimeSeconds() / 60);
            Gauge("kv", sample.KvCacheUsage);
            Gauge("running", sample.RequestsRunning);
            Gauge("waiting", sample.RequestsWaiting);
            var counted = sample is { GeneratedTokens: not null, GenerationSeconds: not null };
            command.Parameters.AddWithValue("$tokens", counted ? sample.GeneratedTokens!.Value : 0.0);
            command.Parameters.AddWithValue("$seconds", counted ? sample.GenerationSeconds!.Value : 0.0);
            await command.ExecuteNonQueryAsync(ct);
            return true;

            void Gauge(string name, double? value)
            {
                // NaN (a broken exporter) would poison every sum it joins: count it as absent.
                var usable = value is { } v && double.IsFinite(v);
                command.Parameters.AddWithValue($"${name}N", usable ? 1 : 0);
                command.Parameters.AddWithValue($"${name}", usable ? value!.Value : 0.0);
                command.Parameters.AddWithValue($"${name}Max", usable ? value!.Value : DBNull.Value);
            }
        }, cancellationToken);
}
