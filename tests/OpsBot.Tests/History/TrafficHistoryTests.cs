using OpsBot.History;
using OpsBot.ProxyCore.Events;

namespace OpsBot.Tests.History;

public sealed class TrafficHistoryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static CompletionEvent Completion(DateTimeOffset at, CompletionPath path = CompletionPath.Json, bool empty = false, string? error = null, int latencyMs = 1000) =>
        new()
        {
            At = at,
            Model = "qwen",
            Streamed = false,
            HasTools = true,
            Path = path,
            UpstreamStatus = 200,
            Latency = TimeSpan.FromMilliseconds(latencyMs),
            TimeToFirstByte = null,
            PromptTokens = 100,
            CompletionTokens = empty ? 0 : 20,
            ToolCalls = 0,
            ToolCallFormat = null,
            ContentLength = empty ? 0 : 10,
            EmptyAnswer = empty,
            Error = error,
        };

    [Fact]
    public void Rollup_keeps_the_current_minute_until_it_is_over()
    {
        var rollup = new TrafficRollup();
        var start = TestDatabase.Start;
        rollup.Add(Completion(start.AddSeconds(10)));
        rollup.Add(Completion(start.AddSeconds(50), empty: true, latencyMs: 3000));
        rollup.Add(Completion(start.AddSeconds(70), CompletionPath.LoopGuard));

        var done = Assert.Single(rollup.TakeCompleted(start.AddSeconds(75)));

        Assert.Equal(start, done.Minute);
        Assert.Equal((2, 1, 0, 200L, 20L, 4000L, 3000L), (done.Requests, done.EmptyAnswers, done.LoopGuard, done.PromptTokens, done.CompletionTokens, done.LatencyMsTotal, done.LatencyMsMax));
        Assert.Equal(1, rollup.PendingMinutes);
        Assert.Equal(1, Assert.Single(rollup.TakeCompleted(null)).LoopGuard);
    }

    [Fact]
    public async Task Minutes_written_twice_are_summed_and_summarised_over_the_window()
    {
        var time = TestDatabase.Time();
        await using var database = TestDatabase.Open(_dir.File("opsbot.db"), time);
        var store = new TrafficStore(database);
        var rollup = new TrafficRollup();
        rollup.Add(Completion(TestDatabase.Start.AddSeconds(5)));
        rollup.Add(Completion(TestDatabase.Start.AddMinutes(1), error: "boom", latencyMs: 5000));
        Assert.True(await store.AddAsync(rollup.TakeCompleted(null), CancellationToken.None));
        // Same minute again (a flush split by a restart): added to, not replaced.
        rollup.Add(Completion(TestDatabase.Start.AddSeconds(30), empty: true));
        Assert.True(await store.AddAsync(rollup.TakeCompleted(null), CancellationToken.None));

        time.Advance(TimeSpan.FromMinutes(5));
        var report = await new HistoryQueryService(database, time).GetReportAsync(new HistoryQuery(HistoryKind.Traffic, TimeSpan.FromHours(1)), CancellationToken.None);

        var traffic = Assert.IsType<TrafficSummary>(report.Traffic);
        Assert.Equal((3L, 1L, 1L), (traffic.Requests, traffic.Failed, traffic.EmptyAnswers));
        Assert.Equal(TimeSpan.FromMilliseconds(7000 / 3.0), traffic.AverageLatency);
        Assert.Equal(TimeSpan.FromSeconds(5), traffic.MaxLatency);
        Assert.Equal(2, traffic.BusiestMinuteRequests);
        Assert.Empty(report.Incidents);
    }
}
