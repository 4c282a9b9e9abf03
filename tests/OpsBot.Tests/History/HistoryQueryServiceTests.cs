using OpsBot.Alerts;
using OpsBot.History;
using OpsBot.Ops;
using OpsBot.Ops.Restarts;

namespace OpsBot.Tests.History;

public sealed class HistoryQueryServiceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Uptime_counts_only_time_since_history_began()
    {
        var time = TestDatabase.Time();
        await using var database = TestDatabase.Open(_dir.File("opsbot.db"), time);
        var incidents = new IncidentStore(database);
        await incidents.OpenAsync(new IncidentOpening("health:Vllm:reachable", StackService.Vllm, AlertSeverity.Critical, "vLLM down", null,
            TestDatabase.Start.AddMinutes(30), IsOutage: true, DuringMaintenance: false), CancellationToken.None);
        time.Advance(TimeSpan.FromHours(1));

        var availability = await new HistoryQueryService(database, time).GetAvailabilityAsync(TimeSpan.FromHours(24), CancellationToken.None);

        Assert.NotNull(availability);
        // Started an hour ago, vLLM down for the last 30 minutes of it: 50 %, not 97.9 % of a day nobody watched.
        Assert.Equal(TimeSpan.FromHours(1), availability.Covered);
        Assert.Equal(50.0, availability.UptimePercent);
    }

    [Fact]
    public async Task Report_lists_newest_first_and_respects_kind_and_limit()
    {
        var time = TestDatabase.Time();
        await using var database = TestDatabase.Open(_dir.File("opsbot.db"), time);
        var restarts = new RestartAuditStore(database);
        for (var i = 0; i < 4; i++)
        {
            var at = TestDatabase.Start.AddMinutes(i);
            await restarts.RecordAsync(new RestartAuditEntry(StackService.Gateway, $"user{i}", at, at.AddSeconds(20), i != 2, "done", null), CancellationToken.None);
        }

        await new AlertLogStore(database).RecordAsync(new Alert("no-reply", AlertKind.Raised, AlertSeverity.Warning, "x", TestDatabase.Start), null, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(10));

        var report = await new HistoryQueryService(database, time).GetReportAsync(new HistoryQuery(HistoryKind.Restarts, TimeSpan.FromHours(1), Limit: 3), CancellationToken.None);

        Assert.Equal(["user3", "user2", "user1"], report.Restarts.Select(r => r.RequestedBy));
        Assert.Empty(report.Alerts);
        Assert.Null(report.Traffic);
    }
}
