using Microsoft.Data.Sqlite;
using OpsBot.History;
using OpsBot.Ops.Probes;
using OpsBot.ProxyCore.Events;

namespace OpsBot.Tests.History;

public sealed class HistorySeriesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static CompletionEvent Completion(DateTimeOffset at, int latencyMs, int? firstByteMs = null, bool failed = false, bool empty = false, bool streamed = true) =>
        new()
        {
            At = at,
            Model = "qwen",
            Streamed = streamed,
            HasTools = true,
            Path = failed ? CompletionPath.UpstreamError : CompletionPath.Streamed,
            UpstreamStatus = failed ? 500 : 200,
            Latency = TimeSpan.FromMilliseconds(latencyMs),
            TimeToFirstByte = firstByteMs is { } f ? TimeSpan.FromMilliseconds(f) : null,
            PromptTokens = 100,
            CompletionTokens = empty ? 0 : 20,
            ToolCalls = 0,
            ToolCallFormat = null,
            ContentLength = empty ? 0 : 10,
            EmptyAnswer = empty,
        };

    /// <summary>Minutes as the proxy's roll-up makes them: <paramref name="perMinute"/> requests in each of <paramref name="minutes"/> minutes from <paramref name="start"/>.</summary>
    private static IReadOnlyList<TrafficMinute> Minutes(DateTimeOffset start, int minutes, Func<int, int, CompletionEvent> request, Func<int, int> perMinute)
    {
        var rollup = new TrafficRollup();
        for (var m = 0; m < minutes; m++)
        {
            for (var r = 0; r < perMinute(m); r++)
            {
                rollup.Add(request(m, r));
            }
        }

        return rollup.TakeCompleted(null);
    }

    [Fact]
    public void Time_to_first_token_counts_streamed_answers_that_neither_failed_nor_came_back_empty()
    {
        var rollup = new TrafficRollup();
        var at = TestDatabase.Start;
        rollup.Add(Completion(at, 4000, firstByteMs: 300));
        rollup.Add(Completion(at, 2000, firstByteMs: 2000, failed: true));
        rollup.Add(Completion(at, 1500, firstByteMs: 1500, empty: true));
        rollup.Add(Completion(at, 900, firstByteMs: 900, streamed: false));

        var minute = Assert.Single(rollup.TakeCompleted(null));

        Assert.Equal(4, minute.Latency!.Count);
        Assert.Equal(1, minute.TimeToFirstToken!.Count);
        Assert.Equal(LatencyBuckets.IndexOf(300), LatencyBuckets.IndexOf(minute.TimeToFirstToken.Percentile(1)!.Value.TotalMilliseconds));
    }

    [Fact]
    public async Task An_hour_at_one_minute_steps_gives_one_point_per_stored_minute()
    {
        var time = TestDatabase.Time();
        await using var database = TestDatabase.Open(_dir.File("opsbot.db"), time);
        var start = TestDatabase.Start;
        var stored = Minutes(start, 60, (m, r) => Completion(start.AddMinutes(m).AddSeconds(r), 500 + (m * 97) + (r * 13), firstByteMs: 50 + m + r, failed: r == 3, empty: r == 4 && m % 2 == 0),
            m => m % 7 == 5 ? 0 : 1 + (m % 6));
        Assert.True(await new TrafficStore(database).AddAsync(stored, CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(61));

        var series = await new HistorySeriesService(database, time).GetSeriesAsync(start, start.AddHours(1), TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal(60, series.Traffic.Count);
        Assert.Equal(start, series.From);
        var byMinute = stored.ToDictionary(m => m.Minute);
        foreach (var point in series.Traffic)
        {
            if (!byMinute.TryGetValue(point.Start, out var row))
            {
                // Minutes without a request are points too: a chart shows a gap as zero, not as a line skipping it.
                Assert.Equal(new TrafficPoint(point.Start, 0, 0, 0, null, null, null, null), point);
                continue;
            }

            Assert.Equal(new TrafficPoint(row.Minute, row.Requests, row.Failed, row.EmptyAnswers,
                row.Latency!.Percentile(0.5), row.Latency.Percentile(0.95), row.TimeToFirstToken!.Percentile(0.5), row.TimeToFirstToken.Percentile(0.95)), point);
        }

        Assert.True(series.HasData);
    }

    [Fact]
    public async Task A_day_at_15_minutes_merges_whole_minutes_into_steps_aligned_on_the_quarter_hour()
    {
        var time = TestDatabase.Time();
        await using var database = TestDatabase.Open(_dir.File("opsbot.db"), time);
        var start = TestDatabase.Start.AddMinutes(7);
        var latencies = new Dictionary<DateTimeOffset, List<double>>();
        var stored = Minutes(start, 24 * 60, (m, r) =>
        {
            var latency = 200 + ((m * 31 + r * 17) % 9000);
            var at = start.AddMinutes(m);
            (latencies.TryGetValue(at, out var list) ? list : latencies[at] = []).Add(latency);
            return Completion(at.AddSeconds(r), latency, firstByteMs: latency / 10, failed: (m + r) % 50 == 0);
        }, m => m % 3);
        Assert.True(await new TrafficStore(database).AddAsync(stored, CancellationToken.None));
        var to = start.AddHours(24);

        var series = await new HistorySeriesService(database, time).GetSeriesAsync(to.AddHours(-24), to, TimeSpan.FromMinutes(15), CancellationToken.None);

        // 10:07 is rounded down to 10:00: 97 quarter hours, the last one holding the 7 minutes up to `to`.
        Assert.Equal(TestDatabase.Start, series.From);
        Assert.Equal(97, series.Traffic.Count);
        Assert.All(series.Traffic, p => Assert.Equal(0, p.Start.Minute % 15));
        foreach (var point in series.Traffic)
        {
            var rows = stored.Where(r => r.Minute >= point.Start && r.Minute < point.Start.AddMinutes(15)).ToList();
            Assert.Equal((rows.Sum(r => (long)r.Requests), rows.Sum(r => (long)r.Failed)), (point.Requests, point.Failed));
            var raw = rows.SelectMany(r => latencies[r.Minute]).Order().ToArray();
            if (raw.Length == 0)
            {
                Assert.Null(point.LatencyP95);
                continue;
            }

            var exactP95 = raw[(int)Math.Ceiling(0.95 * raw.Length) - 1];
            Assert.Equal(LatencyBuckets.IndexOf(exactP95), LatencyBuckets.IndexOf(point.LatencyP95!.Value.TotalMilliseconds));
        }
    }

    [Fact]
    public async Task A_minute_written_twice_merges_its_histograms()
    {
        var time = TestDatabase.Time();
        await using var database = TestDatabase.Open(_dir.File("opsbot.db"), time);
        var store = new TrafficStore(database);
        var start = TestDatabase.Start;
        var first = Minutes(start, 1, (_, r) => Completion(start.AddSeconds(r), 100, firstByteMs: 10), _ => 9);
        // The same minute after a restart: ten slow answers.
        var second = Minutes(start, 1, (_, r) => Completion(start.AddSeconds(30 + r), 20_000, streamed: false), _ => 10);
        await store.AddAsync(first, CancellationToken.None);
        await store.AddAsync(second, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(2));

        var point = Assert.Single((await new HistorySeriesService(database, time).GetSeriesAsync(start, start.AddMinutes(1), TimeSpan.FromMinutes(1), CancellationToken.None)).Traffic);

        Assert.Equal(19, point.Requests);
        Assert.Equal(LatencyBuckets.IndexOf(20_000), LatencyBuckets.IndexOf(point.LatencyP50!.Value.TotalMilliseconds));
        // The second write had no streamed answer: the first write's time-to-first-token histogram is kept, not dropped.
        Assert.Equal(LatencyBuckets.IndexOf(10), LatencyBuckets.IndexOf(point.TimeToFirstTokenP95!.Value.TotalMilliseconds));
    }

    [Fact]
    public async Task vLLM_samples_give_means_peaks_and_the_generation_rate_per_step()
    {
        var time = TestDatabase.Time();
        await using var database = TestDatabase.Open(_dir.File("opsbot.db"), time);
        var store = new VllmSampleStore(database);
        var writer = new VllmSampleWriter(new VllmSampleObserver(), store, new ListLogger<VllmSampleWriter>());
        var start = TestDatabase.Start;
        (int Seconds, double Kv, double Running, double Tokens)[] probes =
        [
            (0, 0.10, 1, 1000), (30, 0.30, 3, 1600), (60, 0.50, 2, 2500),
            // vLLM restarted: the counter starts again, no rate across the restart.
            (90, 0.20, 0, 100), (120, 0.40, 1, 700),
        ];
        foreach (var (seconds, kv, running, tokens) in probes)
        {
            Assert.True(await store.AddAsync(writer.ToSample(start.AddSeconds(seconds), new VllmMetrics(running, 0, kv, tokens)), CancellationToken.None));
        }

        await store.AddAsync(writer.ToSample(start.AddSeconds(150), new VllmMetrics(null, null, double.NaN, null)), CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(3));

        var series = await new HistorySeriesService(database, time).GetSeriesAsync(start, start.AddMinutes(3), TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal(3, series.Vllm.Count);
        var (first, second, third) = (series.Vllm[0], series.Vllm[1], series.Vllm[2]);
        Assert.Equal((2, 0.30, 3.0), (first.Samples, first.KvCacheMax!.Value, first.RunningMax!.Value));
        Assert.Equal(0.20, first.KvCacheMean!.Value, 9);
        Assert.Equal(600 / 30.0, first.GenerationTokensPerSecond!.Value, 9);
        Assert.Equal(900 / 30.0, second.GenerationTokensPerSecond!.Value, 9);
        Assert.Equal((0.35, 0.50), (Math.Round(second.KvCacheMean!.Value, 9), second.KvCacheMax!.Value));
        // The sample with nothing usable still counts as a probe, but adds no value.
        Assert.Equal((2, 0.40, 600 / 30.0), (third.Samples, third.KvCacheMax!.Value, third.GenerationTokensPerSecond!.Value));
        Assert.Equal(0.40, third.KvCacheMean!.Value, 9);
    }

    [Fact]
    public async Task The_summary_covers_the_completed_minutes_of_the_window_and_the_latest_vLLM_minute()
    {
        var time = TestDatabase.Time();
        await using var database = TestDatabase.Open(_dir.File("opsbot.db"), time);
        var start = TestDatabase.Start;
        // Two hours of traffic: only the second hour is in the summary.
        var stored = Minutes(start, 120, (m, r) => Completion(start.AddMinutes(m).AddSeconds(r), m < 60 ? 60_000 : 1000 + r, firstByteMs: 200, empty: m >= 60 && r == 0), _ => 3);
        await new TrafficStore(database).AddAsync(stored, CancellationToken.None);
        var vllm = new VllmSampleStore(database);
        await vllm.AddAsync(new VllmSample(start.AddMinutes(100), 0.9, 4, 2, null, null), CancellationToken.None);
        await vllm.AddAsync(new VllmSample(start.AddMinutes(120).AddSeconds(10), 0.25, 1, 0, 300, 30), CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(120).Add(TimeSpan.FromSeconds(40)));

        var summary = await new HistorySeriesService(database, time).GetSummaryAsync(TimeSpan.FromHours(1), CancellationToken.None);

        Assert.Equal((start.AddMinutes(60), start.AddMinutes(120)), (summary.From, summary.To));
        Assert.Equal((180L, 0L, 60L), (summary.Traffic.Requests, summary.Traffic.Failed, summary.Traffic.EmptyAnswers));
        Assert.Equal(LatencyBuckets.IndexOf(1001), LatencyBuckets.IndexOf(summary.Traffic.LatencyP50!.Value.TotalMilliseconds));
        Assert.Equal(LatencyBuckets.IndexOf(200), LatencyBuckets.IndexOf(summary.Traffic.TimeToFirstTokenP95!.Value.TotalMilliseconds));
        var latest = Assert.IsType<VllmPoint>(summary.LatestVllm);
        Assert.Equal((start.AddMinutes(120), 0.25, 10.0), (latest.Start, latest.KvCacheMean!.Value, latest.GenerationTokensPerSecond!.Value));
    }

    [Fact]
    public async Task A_broken_database_answers_empty_points_and_says_why()
    {
        var path = _dir.File("opsbot.db");
        await File.WriteAllTextAsync(path, string.Concat(Enumerable.Repeat("not a database ", 500)));
        var time = TestDatabase.Time();
        await using var database = TestDatabase.Open(path, time);
        var service = new HistorySeriesService(database, time);

        var series = await service.GetSeriesAsync(time.GetUtcNow().AddHours(-1), time.GetUtcNow(), TimeSpan.FromMinutes(1), CancellationToken.None);
        var summary = await service.GetSummaryAsync(TimeSpan.FromHours(1), CancellationToken.None);

        Assert.Equal(60, series.Traffic.Count);
        Assert.False(series.HasData);
        Assert.Equal(HistoryState.Disabled, series.Health.State);
        Assert.Equal(0, summary.Traffic.Requests);
        Assert.Null(summary.LatestVllm);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(90)]
    public async Task Steps_are_whole_minutes(int seconds)
    {
        var time = TestDatabase.Time();
        await using var database = TestDatabase.Open(_dir.File("opsbot.db"), time);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            new HistorySeriesService(database, time).GetSeriesAsync(TestDatabase.Start, TestDatabase.Start.AddHours(1), TimeSpan.FromSeconds(seconds), CancellationToken.None));
    }

    [Fact]
    public async Task A_database_from_before_histograms_is_migrated_and_its_minutes_still_count()
    {
        var path = _dir.File("opsbot.db");
        var start = TestDatabase.Start;
        using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            // Exactly what an OpsBot with the first two migrations left behind, with a minute of traffic in it.
            old.Open();
            using var command = old.CreateCommand();
            command.CommandText = "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);"
                + string.Concat(HistoryMigrations.All.Where(m => m.Version <= 2).Select(m => $"{m.Sql};INSERT INTO schema_migrations VALUES ({m.Version}, 'old', 0);"))
                + $"INSERT INTO traffic_minutes VALUES ({start.ToUnixTimeSeconds() / 60}, 5, 1, 1, 0, 5, 500, 100, 5000, 2000);";
            command.ExecuteNonQuery();
        }

        var time = TestDatabase.Time();
        var logger = new ListLogger<HistoryDatabase>();
        await using var database = TestDatabase.Open(path, time, logger);
        Assert.True(await database.InitializeAsync(CancellationToken.None));
        await new TrafficStore(database).AddAsync(Minutes(start.AddMinutes(1), 1, (_, r) => Completion(start.AddMinutes(1).AddSeconds(r), 700, 70), _ => 2), CancellationToken.None);
        Assert.True(await new VllmSampleStore(database).AddAsync(new VllmSample(start.AddMinutes(1), 0.5, 1, 0, null, null), CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(3));

        var series = await new HistorySeriesService(database, time).GetSeriesAsync(start, start.AddMinutes(2), TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Contains(logger.Entries, e => e.Message.Contains("migrated to version 3"));
        Assert.Equal(new TrafficPoint(start, 5, 1, 1, null, null, null, null), series.Traffic[0]);
        Assert.Equal(2, series.Traffic[1].Requests);
        Assert.NotNull(series.Traffic[1].LatencyP50);
        Assert.Equal(0.5, series.Vllm[1].KvCacheMean);
        var report = await new HistoryQueryService(database, time).GetReportAsync(new HistoryQuery(HistoryKind.Traffic, TimeSpan.FromHours(1)), CancellationToken.None);
        Assert.Equal(7, report.Traffic!.Requests);
    }

    [Fact]
    public async Task Pruning_removes_old_vLLM_minutes_with_old_traffic()
    {
        var time = TestDatabase.Time();
        await using var database = TestDatabase.Open(_dir.File("opsbot.db"), time);
        var old = TestDatabase.Start;
        var store = new VllmSampleStore(database);
        await store.AddAsync(new VllmSample(old, 0.5, 1, 0, null, null), CancellationToken.None);
        await new TrafficStore(database).AddAsync(Minutes(old, 1, (_, _) => Completion(old, 100, 10), _ => 1), CancellationToken.None);
        time.Advance(TimeSpan.FromDays(91));
        await store.AddAsync(new VllmSample(time.GetUtcNow(), 0.7, 1, 0, null, null), CancellationToken.None);
        var initializer = new HistoryInitializer(database, new IncidentStore(database), Microsoft.Extensions.Options.Options.Create(TestDatabase.Options),
            time, new ListLogger<HistoryInitializer>());

        Assert.Equal(2, await initializer.PruneAsync(CancellationToken.None));

        var series = await new HistorySeriesService(database, time).GetSeriesAsync(old, time.GetUtcNow().AddMinutes(1), TimeSpan.FromDays(1), CancellationToken.None);
        Assert.Equal(1, series.Vllm.Sum(p => p.Samples));
        Assert.Equal(0, series.Traffic.Sum(p => p.Requests));
    }
}
