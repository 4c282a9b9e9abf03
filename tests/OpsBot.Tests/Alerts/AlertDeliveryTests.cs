using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpsBot.Alerts;
using OpsBot.History;
using OpsBot.Tests.History;

namespace OpsBot.Tests.Alerts;

public sealed class AlertDeliveryTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(AlertTestKit.Start);
    private readonly AlertOptions _options = new();

    public void Dispose() => _dir.Dispose();

    private HistoryDatabase Database() => TestDatabase.Open(_dir.File("opsbot.db"), _time);

    private AlertOutbox Outbox(HistoryDatabase database) => new(database, Microsoft.Extensions.Options.Options.Create(_options), NullLogger<AlertOutbox>.Instance);

    private AlertDispatcher Dispatcher(AlertOutbox outbox, IAlertSink sink) =>
        new(outbox, sink, Microsoft.Extensions.Options.Options.Create(_options), _time, NullLogger<AlertDispatcher>.Instance);

    private Alert Alert(string text) => new("no-reply", AlertKind.Raised, AlertSeverity.Warning, text, _time.GetUtcNow());

    [Fact]
    public async Task Alerts_wait_while_discord_is_unreachable_and_then_say_how_many_were_delayed()
    {
        await using var database = Database();
        var outbox = Outbox(database);
        var sink = new RecordingAlertSink { Unreachable = true };
        var dispatcher = Dispatcher(outbox, sink);
        await outbox.EnqueueAsync(Alert("first"), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));
        await outbox.EnqueueAsync(Alert("second"), CancellationToken.None);

        for (var attempt = 0; attempt < 3; attempt++)
        {
            Assert.False(await dispatcher.DeliverNextAsync(CancellationToken.None));
            _time.Advance(TimeSpan.FromMinutes(2));
        }

        sink.Unreachable = false;
        while (outbox.Count > 0)
        {
            Assert.True(await dispatcher.DeliverNextAsync(CancellationToken.None));
        }

        Assert.Equal(["delivery", "no-reply", "no-reply"], sink.Sent.Select(s => s.Key));
        Assert.Contains("2 alerts were delayed (oldest from 10:00:00 UTC, 7 min ago)", sink.Sent[0].Text);
        Assert.StartsWith("first\n_(delayed 7 min: raised at 10:00:00 UTC", sink.Sent[1].Text);
        Assert.Equal(TimeSpan.FromMinutes(7), sink.Sent[1].DelayedBy);
        Assert.StartsWith("second\n_(delayed 6 min", sink.Sent[2].Text);
        Assert.Equal(0, outbox.Count);
    }

    [Fact]
    public async Task Alerts_sent_promptly_carry_no_delay_note()
    {
        await using var database = Database();
        var outbox = Outbox(database);
        var sink = new RecordingAlertSink();
        await outbox.EnqueueAsync(Alert("now"), CancellationToken.None);

        Assert.True(await Dispatcher(outbox, sink).DeliverNextAsync(CancellationToken.None));

        var sent = Assert.Single(sink.Sent);
        Assert.Equal("now", sent.Text);
        Assert.Null(sent.DelayedBy);
    }

    [Fact]
    public async Task Queued_alerts_survive_a_restart_of_opsbot()
    {
        await using (var database = Database())
        {
            var outbox = Outbox(database);
            var dispatcher = Dispatcher(outbox, new RecordingAlertSink { Unreachable = true });
            await outbox.EnqueueAsync(Alert("vLLM down"), CancellationToken.None);
            await outbox.EnqueueAsync(Alert("no reply"), CancellationToken.None);
            Assert.False(await dispatcher.DeliverNextAsync(CancellationToken.None));
        }

        _time.Advance(TimeSpan.FromMinutes(3));
        await using var reopened = Database();
        var restartedOutbox = Outbox(reopened);
        await restartedOutbox.LoadAsync(CancellationToken.None);
        var sink = new RecordingAlertSink();
        var restarted = Dispatcher(restartedOutbox, sink);
        while (restartedOutbox.Count > 0)
        {
            Assert.True(await restarted.DeliverNextAsync(CancellationToken.None));
        }

        Assert.Equal(["delivery", "no-reply", "no-reply"], sink.Sent.Select(s => s.Key));
        Assert.Contains("2 alerts were delayed", sink.Sent[0].Text);
        Assert.StartsWith("vLLM down", sink.Sent[1].Text);
        Assert.StartsWith("no reply", sink.Sent[2].Text);
        // Delivered alerts are gone from the file too: a second restart posts nothing again.
        var again = Outbox(reopened);
        await again.LoadAsync(CancellationToken.None);
        Assert.Equal(0, again.Count);
    }

    [Fact]
    public async Task A_full_outbox_drops_the_oldest_and_reports_the_count_when_delivery_resumes()
    {
        _options.Delivery.MaxQueued = 3;
        await using var database = Database();
        var outbox = Outbox(database);
        for (var i = 1; i <= 5; i++)
        {
            await outbox.EnqueueAsync(Alert($"alert {i}"), CancellationToken.None);
        }

        var sink = new RecordingAlertSink();
        var dispatcher = Dispatcher(outbox, sink);
        while (outbox.Count > 0)
        {
            await dispatcher.DeliverNextAsync(CancellationToken.None);
        }

        Assert.Equal(["📬", "alert 3", "alert 4", "alert 5"], sink.Sent.Select(s => s.Text.Split(' ')[0] == "📬" ? "📬" : s.Text));
        Assert.Contains("2 alerts were dropped (queue limit 3", sink.Sent[0].Text);
    }

    [Fact]
    public async Task Alerts_older_than_the_maximum_age_are_dropped_not_posted()
    {
        _options.Delivery.MaxAge = TimeSpan.FromHours(1);
        await using var database = Database();
        var outbox = Outbox(database);
        await outbox.EnqueueAsync(Alert("stale"), CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(2));
        await outbox.EnqueueAsync(Alert("fresh"), CancellationToken.None);
        var sink = new RecordingAlertSink();
        var dispatcher = Dispatcher(outbox, sink);

        while (outbox.Count > 0)
        {
            await dispatcher.DeliverNextAsync(CancellationToken.None);
        }

        Assert.Equal(2, sink.Sent.Count);
        Assert.Contains("1 alert was dropped", sink.Sent[0].Text);
        Assert.Equal("fresh", sink.Sent[1].Text);
    }

    [Fact]
    public async Task Without_a_usable_database_alerts_are_still_queued_in_memory()
    {
        var path = _dir.File("opsbot.db");
        await File.WriteAllTextAsync(path, string.Concat(Enumerable.Repeat("garbage ", 500)));
        await using var database = Database();
        var outbox = Outbox(database);
        var sink = new RecordingAlertSink();

        await outbox.EnqueueAsync(Alert("still here"), CancellationToken.None);
        Assert.True(await Dispatcher(outbox, sink).DeliverNextAsync(CancellationToken.None));

        Assert.Equal(HistoryState.Disabled, database.Health.State);
        Assert.Equal("still here", Assert.Single(sink.Sent).Text);
    }
}
