using Microsoft.Data.Sqlite;

namespace OpsBot.History;

/// <summary>
/// Reads <c>traffic_minutes</c> and <c>vllm_minutes</c> for an interval and folds the minutes into steps: counts add,
/// histograms merge (so percentiles are exact to <see cref="LatencyBuckets"/> resolution over any step), gauges keep
/// count, sum and peak. A week at one point per two hours reads 10 080 minute rows; no per-request data is kept.
/// </summary>
public sealed class HistorySeriesService(HistoryDatabase database, TimeProvider time) : IHistorySeriesService
{
    /// <summary>More points than any chart draws: a bound on what a caller can make one query read and allocate.</summary>
    public const int MaxPoints = 10_000;

    private readonly HistoryDatabase _database = database;
    private readonly TimeProvider _time = time;

    public async Task<HistorySeries> GetSeriesAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken)
    {
        if (step < TimeSpan.FromMinutes(1) || step.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "the step must be a whole number of minutes");
        }

        var stepMinutes = (long)step.TotalMinutes;
        var firstMinute = FloorMinute(from);
        firstMinute -= Mod(firstMinute, stepMinutes);
        var endMinute = CeilingMinute(to);
        var count = Math.Max(0, (endMinute - firstMinute + stepMinutes - 1) / stepMinutes);
        if (count > MaxPoints)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"{count} points from {from:u} to {to:u}; at most {MaxPoints}");
        }

        var traffic = Enumerable.Range(0, (int)count).Select(_ => new TrafficTotals()).ToArray();
        var vllm = Enumerable.Range(0, (int)count).Select(_ => new VllmTotals()).ToArray();
        await _database.RunAsync("read series", false, async (connection, ct) =>
        {
            await ReadTrafficAsync(connection, firstMinute, endMinute, minute => traffic[(minute - firstMinute) / stepMinutes], ct);
            await ReadVllmAsync(connection, firstMinute, endMinute, minute => vllm[(minute - firstMinute) / stepMinutes], ct);
            return true;
        }, cancellationToken);

        DateTimeOffset StartOf(int i) => Minute(firstMinute + (i * stepMinutes));
        return new HistorySeries(
            Minute(firstMinute),
            to,
            step,
            [.. traffic.Select((t, i) => t.ToPoint(StartOf(i)))],
            [.. vllm.Select((v, i) => v.ToPoint(StartOf(i)))],
            _database.Health);
    }

    public async Task<OperationsSummary> GetSummaryAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        var endMinute = FloorMinute(_time.GetUtcNow());
        var firstMinute = endMinute - Math.Max(1, (long)Math.Ceiling(window.TotalMinutes));
        var traffic = new TrafficTotals();
        (long Minute, VllmTotals Totals)? latest = null;
        await _database.RunAsync("read summary", false, async (connection, ct) =>
        {
            await ReadTrafficAsync(connection, firstMinute, endMinute, _ => traffic, ct);
            // vLLM samples are written as they come, so the current minute counts; rows arrive oldest first, the last one stays.
            await ReadVllmAsync(connection, firstMinute, endMinute + 1, minute =>
            {
                if (latest?.Minute != minute)
                {
                    latest = (minute, new VllmTotals());
                }

                return latest.Value.Totals;
            }, ct);
            return true;
        }, cancellationToken);

        return new OperationsSummary(Minute(firstMinute), Minute(endMinute), traffic.ToPoint(Minute(firstMinute)),
            latest is { } last ? last.Totals.ToPoint(Minute(last.Minute)) : null, _database.Health);
    }

    private static async Task ReadTrafficAsync(SqliteConnection connection, long firstMinute, long endMinute, Func<long, TrafficTotals> bucketOf, CancellationToken cancellationToken)
    {
        using var command = MinutesCommand(connection, "minute, requests, failed, empty_answers, latency_hist, ttft_hist", "traffic_minutes", firstMinute, endMinute);
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var totals = bucketOf(reader.GetInt64(0));
            totals.Requests += reader.GetInt64(1);
            totals.Failed += reader.GetInt64(2);
            totals.EmptyAnswers += reader.GetInt64(3);
            MergeHistogram(reader, 4, totals.Latency);
            MergeHistogram(reader, 5, totals.TimeToFirstToken);
        }
    }

    private static async Task ReadVllmAsync(SqliteConnection connection, long firstMinute, long endMinute, Func<long, VllmTotals> bucketOf, CancellationToken cancellationToken)
    {
        using var command = MinutesCommand(connection, """
            minute, samples, kv_cache_n, kv_cache_sum, kv_cache_max, running_n, running_sum, running_max,
            waiting_n, waiting_sum, waiting_max, generated_tokens, generation_seconds
            """, "vllm_minutes", firstMinute, endMinute);
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var totals = bucketOf(reader.GetInt64(0));
            totals.Samples += reader.GetInt32(1);
            totals.KvCache.Add(reader, 2);
            totals.Running.Add(reader, 5);
            totals.Waiting.Add(reader, 8);
            totals.GeneratedTokens += reader.GetDouble(11);
            totals.GenerationSeconds += reader.GetDouble(12);
        }
    }

    /// <summary>The rows of a per-minute table in [<paramref name="firstMinute"/>, <paramref name="endMinute"/>), oldest first.</summary>
    private static SqliteCommand MinutesCommand(SqliteConnection connection, string columns, string table, long firstMinute, long endMinute)
    {
        var command = connection.CreateCommand();
        command.CommandText = $"SELECT {columns} FROM {table} WHERE minute >= $from AND minute < $to ORDER BY minute;";
        command.Parameters.AddWithValue("$from", firstMinute);
        command.Parameters.AddWithValue("$to", endMinute);
        return command;
    }

    private static void MergeHistogram(SqliteDataReader reader, int column, LatencyHistogram into)
    {
        if (!reader.IsDBNull(column))
        {
            into.TryMergeEncoded(reader.GetFieldValue<byte[]>(column));
        }
    }

    private static long FloorMinute(DateTimeOffset at) => (long)Math.Floor(at.ToUnixTimeMilliseconds() / 60_000.0);

    private static long CeilingMinute(DateTimeOffset at) => (long)Math.Ceiling(at.ToUnixTimeMilliseconds() / 60_000.0);

    private static long Mod(long value, long divisor) => ((value % divisor) + divisor) % divisor;

    private static DateTimeOffset Minute(long minute) => DateTimeOffset.FromUnixTimeSeconds(minute * 60);

    private sealed class TrafficTotals
    {
        public long Requests;
        public long Failed;
        public long EmptyAnswers;
        public readonly LatencyHistogram Latency = new();
        public readonly LatencyHistogram TimeToFirstToken = new();

        public TrafficPoint ToPoint(DateTimeOffset start) => new(start, Requests, Failed, EmptyAnswers,
            Latency.Percentile(0.5), Latency.Percentile(0.95), TimeToFirstToken.Percentile(0.5), TimeToFirstToken.Percentile(0.95));
    }

    private sealed class VllmTotals
    {
        public int Samples;
        public readonly Gauge KvCache = new();
        public readonly Gauge Running = new();
        public readonly Gauge Waiting = new();
        public double GeneratedTokens;
        public double GenerationSeconds;

        public VllmPoint ToPoint(DateTimeOffset start) => new(start, Samples, KvCache.Mean, KvCache.Max, Running.Mean, Running.Max, Waiting.Mean, Waiting.Max,
            GenerationSeconds > 0 ? GeneratedTokens / GenerationSeconds : null);
    }

    private sealed class Gauge
    {
        private long _count;
        private double _sum;

        public double? Max { get; private set; }

        public double? Mean => _count == 0 ? null : _sum / _count;

        /// <summary>Reads the (n, sum, max) columns starting at <paramref name="column"/>.</summary>
        public void Add(SqliteDataReader reader, int column)
        {
            _count += reader.GetInt64(column);
            _sum += reader.GetDouble(column + 1);
            if (!reader.IsDBNull(column + 2))
            {
                var max = reader.GetDouble(column + 2);
                Max = Max is { } current ? Math.Max(current, max) : max;
            }
        }
    }
}
