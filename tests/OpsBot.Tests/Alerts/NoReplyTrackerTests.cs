using NSubstitute;
using OpsBot.Alerts;
using OpsBot.History;
using OpsBot.Ops;

namespace OpsBot.Tests.Alerts;

public sealed class NoReplyTrackerTests
{
    private static NoReplySignal Proxy(DateTimeOffset at) => new(at, NoReplySource.Proxy, NoReplyClassifier.EmptyAnswerCheck, "model=qwen3 path=Rewrapped completion_tokens=0");

    private static NoReplySignal Gateway(DateTimeOffset at) => new(at, NoReplySource.GatewayLog, "gateway log: \"No reply from agent\"", "[agent] No reply from agent");

    [Fact]
    public async Task One_empty_answer_posts_one_warning_then_one_resolve_after_quiet()
    {
        var kit = new AlertTestKit();
        var tracker = kit.NoReply();

        await tracker.RecordAsync(Proxy(kit.Now), CancellationToken.None);
        for (var i = 0; i < 40; i++)
        {
            kit.Time.Advance(TimeSpan.FromSeconds(15));
            await tracker.EvaluateAsync(kit.Now, CancellationToken.None);
        }

        Assert.Equal([AlertKind.Raised, AlertKind.Resolved], kit.PostedKinds());
        var raised = kit.Publisher.Posted[0];
        Assert.Equal(AlertSeverity.Warning, raised.Severity);
        Assert.Contains(NoReplyClassifier.EmptyAnswerCheck, raised.Text);
        Assert.Contains("model=qwen3", raised.Text);
        Assert.Contains("1 failure in the last 5 min", raised.Text);
        Assert.Contains("1 failure", kit.Publisher.Posted[1].Text);
        Assert.False(tracker.IsOpen);
        await kit.Incidents.Received(1).OpenAsync(Arg.Is<IncidentOpening>(o => o.Key == NoReplyTracker.Key && !o.IsOutage), Arg.Any<CancellationToken>());
        await kit.Incidents.Received(1).ResolveAsync(1, AlertTestKit.Start, 1, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Reaching_the_alert_threshold_escalates_once_to_critical()
    {
        var kit = new AlertTestKit();
        var tracker = kit.NoReply();

        for (var i = 0; i < 4; i++)
        {
            await tracker.RecordAsync(Proxy(kit.Now), CancellationToken.None);
            kit.Time.Advance(TimeSpan.FromSeconds(20));
        }

        Assert.Equal([AlertKind.Raised, AlertKind.Escalated], kit.PostedKinds());
        Assert.Equal(AlertSeverity.Critical, kit.Publisher.Posted[1].Severity);
        Assert.Contains("3 failures in the last 5 min", kit.Publisher.Posted[1].Text);
    }

    [Fact]
    public async Task Continuing_failures_post_a_count_at_most_once_per_update_interval()
    {
        var kit = new AlertTestKit(o => o.NoReply.AlertThreshold = 1000);
        var tracker = kit.NoReply();

        // One failure a minute for 12 minutes, with the ticker running every 15 s.
        for (var minute = 0; minute < 12; minute++)
        {
            await tracker.RecordAsync(Proxy(kit.Now), CancellationToken.None);
            for (var tick = 0; tick < 4; tick++)
            {
                kit.Time.Advance(TimeSpan.FromSeconds(15));
                await tracker.EvaluateAsync(kit.Now, CancellationToken.None);
            }
        }

        Assert.Equal([AlertKind.Raised, AlertKind.Update, AlertKind.Update], kit.PostedKinds());
        Assert.Contains("5 failures since 10:00:00 UTC (4 since the last message; proxy: 5)", kit.Publisher.Posted[1].Text);
        Assert.Contains("10 failures since 10:00:00 UTC (5 since the last message; proxy: 10)", kit.Publisher.Posted[2].Text);
    }

    [Fact]
    public async Task The_proxy_event_and_the_gateway_line_of_one_failure_count_once_toward_the_threshold()
    {
        var kit = new AlertTestKit();
        var tracker = kit.NoReply();

        await tracker.RecordAsync(Proxy(kit.Now), CancellationToken.None);
        await tracker.RecordAsync(Gateway(kit.Now.AddSeconds(1)), CancellationToken.None);
        kit.Time.Advance(TimeSpan.FromMinutes(1));
        await tracker.RecordAsync(Proxy(kit.Now), CancellationToken.None);
        await tracker.RecordAsync(Gateway(kit.Now.AddSeconds(1)), CancellationToken.None);

        // Two real failures (four signals): still a warning, no escalation at 3.
        Assert.Equal([AlertKind.Raised], kit.PostedKinds());
        kit.Time.Advance(TimeSpan.FromMinutes(6));
        await tracker.EvaluateAsync(kit.Now, CancellationToken.None);
        Assert.Contains("4 failures", kit.Publisher.Posted[^1].Text);
        Assert.Contains("proxy: 2, gateway log: 2", kit.Publisher.Posted[^1].Text);
    }

    [Fact]
    public async Task A_gateway_line_alone_posts_one_alert_and_one_resolve()
    {
        var kit = new AlertTestKit();
        var tracker = kit.NoReply();

        await tracker.RecordAsync(Gateway(kit.Now), CancellationToken.None);
        kit.Time.Advance(TimeSpan.FromMinutes(5));
        await tracker.EvaluateAsync(kit.Now, CancellationToken.None);

        Assert.Equal([AlertKind.Raised, AlertKind.Resolved], kit.PostedKinds());
        Assert.Contains("Gateway log: `[agent] No reply from agent`", kit.Publisher.Posted[0].Text);
    }

    [Fact]
    public async Task Failures_during_a_maintenance_window_are_not_counted()
    {
        var kit = new AlertTestKit();
        var tracker = kit.NoReply();

        using (kit.Mutes.Begin(StackService.Vllm, "restart by alice"))
        {
            await tracker.RecordAsync(Proxy(kit.Now), CancellationToken.None);
        }

        kit.Time.Advance(TimeSpan.FromSeconds(30));
        await tracker.RecordAsync(Proxy(kit.Now), CancellationToken.None);
        kit.Time.Advance(TimeSpan.FromMinutes(2));
        await tracker.EvaluateAsync(kit.Now, CancellationToken.None);

        Assert.Empty(kit.Publisher.All);
        Assert.False(tracker.IsOpen);
    }

    [Fact]
    public async Task Silenced_incident_is_recorded_and_posted_when_the_silence_ends_if_still_going()
    {
        var kit = new AlertTestKit(o => o.NoReply.ResolveAfter = TimeSpan.FromMinutes(10));
        var tracker = kit.NoReply();
        var silence = await kit.Mutes.SilenceAsync("no-reply", 5, "alice", CancellationToken.None);
        Assert.True(silence.Accepted);

        await tracker.RecordAsync(Proxy(kit.Now), CancellationToken.None);
        kit.Time.Advance(TimeSpan.FromMinutes(4));
        await tracker.RecordAsync(Proxy(kit.Now), CancellationToken.None);
        Assert.Equal([AlertKind.Notice], kit.PostedKinds());
        Assert.Contains(kit.Publisher.All, p => p.Alert.Kind == AlertKind.Raised && p.MutedBy!.StartsWith("silenced by alice", StringComparison.Ordinal));

        kit.Time.Advance(TimeSpan.FromMinutes(2));
        await tracker.EvaluateAsync(kit.Now, CancellationToken.None);

        Assert.Equal([AlertKind.Notice, AlertKind.Raised], kit.PostedKinds());
    }
}
