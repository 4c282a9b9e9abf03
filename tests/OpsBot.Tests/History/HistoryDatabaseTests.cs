using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using OpsBot.Alerts;
using OpsBot.History;
using OpsBot.Ops;
using OpsBot.Ops.Restarts;

namespace OpsBot.Tests.History;

public sealed class HistoryDatabaseTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task New_database_is_created_with_every_migration_recorded()
    {
        var time = TestDatabase.Time();
        var path = _dir.File("state/opsbot.db");
        await using var database = TestDatabase.Open(path, time);

        Assert.True(await database.InitializeAsync(CancellationToken.None));

        Assert.Equal(HistoryState.Available, database.Health.State);
        Assert.True(File.Exists(path));
        var versions = await database.RunAsync<List<long>>("versions", [], async (connection, ct) =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT version FROM schema_migrations ORDER BY version;";
            var list = new List<long>();
            using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                list.Add(reader.GetInt64(0));
            }

            return list;
        }, CancellationToken.None);
        Assert.Equal(HistoryMigrations.All.Select(m => (long)m.Version), versions);
        Assert.Equal(TestDatabase.Start, database.CreatedAt);
    }

    [Fact]
    public async Task History_survives_closing_and_reopening_the_database()
    {
        var time = TestDatabase.Time();
        var path = _dir.File("opsbot.db");
        await using (var database = TestDatabase.Open(path, time))
        {
            await new RestartAuditStore(database).RecordAsync(
                new RestartAuditEntry(StackService.Vllm, "alice", TestDatabase.Start, TestDatabase.Start.AddSeconds(90), true, "vLLM healthy", TimeSpan.FromSeconds(80)), CancellationToken.None);
            var incidents = new IncidentStore(database);
            var id = await incidents.OpenAsync(new IncidentOpening("health:Vllm:reachable", StackService.Vllm, AlertSeverity.Critical, "vLLM down", "connection refused",
                TestDatabase.Start, IsOutage: true, DuringMaintenance: false), CancellationToken.None);
            await incidents.ResolveAsync(id!.Value, TestDatabase.Start.AddMinutes(3), 1, CancellationToken.None);
            await new SmokeTestStore(database).RecordAsync(new SmokeTestRecord(SmokeTestKind.TwoPlusTwo, "bob", TestDatabase.Start, true, TimeSpan.FromSeconds(4), "4", null), CancellationToken.None);
            await new SmokeTestStore(database).RecordAsync(new SmokeTestRecord(SmokeTestKind.ListTmp, "bob", TestDatabase.Start.AddMinutes(1), false, TimeSpan.FromSeconds(9), "", "No reply from agent", "beta"), CancellationToken.None);
        }

        time.Advance(TimeSpan.FromHours(1));
        await using var reopened = TestDatabase.Open(path, time);
        var query = new HistoryQueryService(reopened, time);
        var report = await query.GetReportAsync(new HistoryQuery(HistoryKind.All, TimeSpan.FromHours(24)), CancellationToken.None);

        Assert.True(report.Health.IsAvailable);
        var restart = Assert.Single(report.Restarts);
        Assert.Equal(("alice", StackService.Vllm, true, TimeSpan.FromSeconds(90)), (restart.RequestedBy, restart.Service, restart.Succeeded, restart.Elapsed));
        var incident = Assert.Single(report.Incidents);
        Assert.Equal(TestDatabase.Start.AddMinutes(3), incident.ResolvedAt);
        Assert.Equal([("", "beta"), ("4", null)], report.SmokeTests.Select(t => (t.Reply, t.Gateway)));
        // The reopened file kept its creation time: uptime is not claimed for time before it.
        Assert.Equal(TestDatabase.Start, reopened.CreatedAt);
        Assert.Equal(TestDatabase.Start, report.Availability!.From);
    }

    [Fact]
    public async Task Garbage_file_disables_history_with_a_clear_error_and_never_throws()
    {
        var path = _dir.File("opsbot.db");
        var garbage = string.Concat(Enumerable.Repeat("this is not a database, it is a text file. ", 200));
        await File.WriteAllTextAsync(path, garbage);
        var logger = new ListLogger<HistoryDatabase>();
        await using var database = TestDatabase.Open(path, TestDatabase.Time(), logger);

        Assert.False(await database.InitializeAsync(CancellationToken.None));

        Assert.Equal(HistoryState.Disabled, database.Health.State);
        Assert.Contains("not a SQLite database", database.Health.Problem);
        var error = Assert.Single(logger.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains(path, error.Message);
        Assert.Contains("History is disabled", error.Message);
        Assert.Contains("proxy and alerts keep running", error.Message);
        // Every store answers its fallback instead of throwing, and the file is left for a human to inspect.
        await new RestartAuditStore(database).RecordAsync(new RestartAuditEntry(StackService.Gateway, "x", default, default, true, "", null), CancellationToken.None);
        Assert.Empty(await new RestartAuditStore(database).GetRecentAsync(5, CancellationToken.None));
        Assert.Null(await new HistoryQueryService(database, TimeProvider.System).GetAvailabilityAsync(TimeSpan.FromHours(24), CancellationToken.None));
        Assert.Equal(garbage, await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task Locked_file_pauses_history_and_it_resumes_once_the_lock_is_gone()
    {
        var path = _dir.File("opsbot.db");
        var time = TestDatabase.Time();
        var locker = new SqliteConnection($"Data Source={path};Pooling=False");
        locker.Open();
        using (var command = locker.CreateCommand())
        {
            command.CommandText = "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; CREATE TABLE held (x INTEGER);";
            command.ExecuteNonQuery();
        }

        var logger = new ListLogger<HistoryDatabase>();
        await using var database = TestDatabase.Open(path, time, logger);

        Assert.False(await database.InitializeAsync(CancellationToken.None));
        Assert.Equal(HistoryState.Unavailable, database.Health.State);
        Assert.Contains("locked", database.Health.Problem);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("locked by another process") && e.Message.Contains("proxy keeps serving"));

        locker.Dispose();
        // Not retried before RetryAfter: a locked file must not cost every alert a busy-timeout wait.
        Assert.False(await database.RunAsync("probe", false, (_, _) => Task.FromResult(true), CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await database.RunAsync("probe", false, (_, _) => Task.FromResult(true), CancellationToken.None));
        Assert.Equal(HistoryState.Available, database.Health.State);
    }

    [Fact]
    public async Task Database_from_a_newer_opsbot_is_left_alone()
    {
        var path = _dir.File("opsbot.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL); INSERT INTO schema_migrations VALUES (99, 'future', 0);";
            command.ExecuteNonQuery();
        }

        await using var database = TestDatabase.Open(path, TestDatabase.Time());

        Assert.False(await database.InitializeAsync(CancellationToken.None));
        Assert.Equal(HistoryState.Disabled, database.Health.State);
        Assert.Contains("newer", database.Health.Problem);
    }

    [Fact]
    public async Task Reopening_applies_no_migration_twice()
    {
        var path = _dir.File("opsbot.db");
        var logger = new ListLogger<HistoryDatabase>();
        await using (var first = TestDatabase.Open(path, TestDatabase.Time(), logger))
        {
            await first.InitializeAsync(CancellationToken.None);
        }

        var migratedFirst = logger.Entries.Count(e => e.Message.Contains("migrated to version"));
        await using var second = TestDatabase.Open(path, TestDatabase.Time(), logger);

        Assert.True(await second.InitializeAsync(CancellationToken.None));
        Assert.Equal(HistoryMigrations.All.Count, migratedFirst);
        Assert.Equal(migratedFirst, logger.Entries.Count(e => e.Message.Contains("migrated to version")));
    }

    [Fact]
    public async Task Incidents_left_open_by_a_previous_run_are_closed_at_start()
    {
        var path = _dir.File("opsbot.db");
        var time = TestDatabase.Time();
        await using (var database = TestDatabase.Open(path, time))
        {
            await new IncidentStore(database).OpenAsync(new IncidentOpening("no-reply", null, AlertSeverity.Warning, "No reply from agent", null, TestDatabase.Start, false, false), CancellationToken.None);
        }

        time.Advance(TimeSpan.FromMinutes(10));
        await using var reopened = TestDatabase.Open(path, time);
        var closed = await new IncidentStore(reopened).CloseAbandonedAsync(time.GetUtcNow(), CancellationToken.None);

        Assert.Equal(1, closed);
        var incident = Assert.Single(await new HistoryQueryService(reopened, time).GetRecentIncidentsAsync(5, CancellationToken.None));
        Assert.Equal(time.GetUtcNow(), incident.ResolvedAt);
        Assert.Contains("closed when OpsBot restarted", incident.Detail);
    }
}
