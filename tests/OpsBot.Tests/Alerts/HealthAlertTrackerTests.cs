using NSubstitute;
using OpsBot.Alerts;
using OpsBot.History;
using OpsBot.Ops;
using OpsBot.Ops.Monitoring;

namespace OpsBot.Tests.Alerts;

public sealed class HealthAlertTrackerTests
{
    private static HealthTransition Vllm(AlertTestKit kit, HealthState state, string summary = "GET /health: connection refused") =>
        new(StackService.Vllm, null, state, summary, kit.Now) { Check = "reachable" };

    private static async Task TickAsync(AlertTestKit kit, HealthAlertTracker tracker, TimeSpan span)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < span; elapsed += TimeSpan.FromSeconds(15))
        {
            kit.Time.Advance(TimeSpan.FromSeconds(15));
            await tracker.EvaluateAsync(kit.Now, CancellationToken.None);
        }
    }

    [Fact]
    public async Task Down_then_up_posts_one_critical_alert_and_one_resolve_and_records_an_outage()
    {
        var kit = new AlertTestKit();
        var tracker = kit.Health();

        await tracker.OnTransitionAsync(Vllm(kit, HealthState.Down), CancellationToken.None);
        kit.Time.Advance(TimeSpan.FromMinutes(4));
        await tracker.OnTransitionAsync(Vllm(kit, HealthState.Healthy, "GET /health: 200"), CancellationToken.None);

        Assert.Equal([AlertKind.Raised, AlertKind.Resolved], kit.PostedKinds());
        Assert.Equal(AlertSeverity.Critical, kit.Publisher.Posted[0].Severity);
        Assert.Contains("vLLM reachable: down", kit.Publisher.Posted[0].Text);
        Assert.Contains("connection refused", kit.Publisher.Posted[0].Text);
        Assert.Contains("healthy again after 4 min", kit.Publisher.Posted[1].Text);
        await kit.Incidents.Received(1).OpenAsync(Arg.Is<IncidentOpening>(o => o.IsOutage && o.Service == StackService.Vllm && !o.DuringMaintenance), Arg.Any<CancellationToken>());
        await kit.Incidents.Received(1).ResolveAsync(1, AlertTestKit.Start.AddMinutes(4), 1, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Repeating_the_same_state_posts_nothing_new()
    {
        var kit = new AlertTestKit();
        var tracker = kit.Health();

        await tracker.OnTransitionAsync(Vllm(kit, HealthState.Down), CancellationToken.None);
        await tracker.OnTransitionAsync(Vllm(kit, HealthState.Down, "still refused"), CancellationToken.None);
        await tracker.OnTransitionAsync(Vllm(kit, HealthState.Unknown, "ssh timeout"), CancellationToken.None);
        await TickAsync(kit, tracker, TimeSpan.FromMinutes(30));

        Assert.Equal([AlertKind.Raised], kit.PostedKinds());
    }

    [Fact]
    public async Task Degraded_turning_down_is_posted_as_an_escalation()
    {
        var kit = new AlertTestKit();
        var tracker = kit.Health();

        await tracker.OnTransitionAsync(Vllm(kit, HealthState.Degraded, "slow: 12 s"), CancellationToken.None);
        await tracker.OnTransitionAsync(Vllm(kit, HealthState.Down), CancellationToken.None);

        Assert.Equal([AlertKind.Raised, AlertKind.Escalated], kit.PostedKinds());
        Assert.Equal([AlertSeverity.Warning, AlertSeverity.Critical], kit.Publisher.Posted.Select(a => a.Severity));
    }

    [Fact]
    public async Task A_flapping_check_posts_its_short_blips_as_one_summary()
    {
        var kit = new AlertTestKit();
        var tracker = kit.Health();

        // First outage is posted and resolved; then five 10-second blips within the throttle interval.
        await tracker.OnTransitionAsync(Vllm(kit, HealthState.Down), CancellationToken.None);
        kit.Time.Advance(TimeSpan.FromSeconds(30));
        await tracker.OnTransitionAsync(Vllm(kit, HealthState.Healthy), CancellationToken.None);
        for (var i = 0; i < 5; i++)
        {
            kit.Time.Advance(TimeSpan.FromSeconds(30));
            await tracker.OnTransitionAsync(Vllm(kit, HealthState.Down), CancellationToken.None);
            kit.Time.Advance(TimeSpan.FromSeconds(10));
            await tracker.OnTransitionAsync(Vllm(kit, HealthState.Healthy), CancellationToken.None);
        }

        await TickAsync(kit, tracker, TimeSpan.FromMinutes(15));

        Assert.Equal([AlertKind.Raised, AlertKind.Resolved, AlertKind.Notice], kit.PostedKinds());
        Assert.Contains("flapped", kit.Publisher.Posted[2].Text);
        Assert.Contains("5 short problems", kit.Publisher.Posted[2].Text);
    }

    [Fact]
    public async Task A_problem_that_lasts_while_flapping_is_posted_after_the_confirm_time()
    {
        var kit = new AlertTestKit();
        var tracker = kit.Health();

        await tracker.OnTransitionAsync(Vllm(kit, HealthState.Down), CancellationToken.None);
        kit.Time.Advance(TimeSpan.FromSeconds(30));
        await tracker.OnTransitionAsync(Vllm(kit, HealthState.Healthy), CancellationToken.None);
        kit.Time.Advance(TimeSpan.FromSeconds(30));
        await tracker.OnTransitionAsync(Vllm(kit, HealthState.Down), CancellationToken.None);
        Assert.Equal([AlertKind.Raised, AlertKind.Resolved], kit.PostedKinds());

        await TickAsync(kit, tracker, TimeSpan.FromSeconds(75));

        Assert.Equal([AlertKind.Raised, AlertKind.Resolved, AlertKind.Raised], kit.PostedKinds());
    }

    [Fact]
    public async Task Maintenance_holds_back_the_alert_and_a_service_still_down_after_the_grace_is_posted()
    {
        var kit = new AlertTestKit();
        var tracker = kit.Health();
        var window = kit.Mutes.Begin(StackService.Vllm, "restart by alice");

        await tracker.OnTransitionAsync(Vllm(kit, HealthState.Down, "restarting"), CancellationToken.None);
        await TickAsync(kit, tracker, TimeSpan.FromMinutes(2));
        window.Dispose();
        await TickAsync(kit, tracker, TimeSpan.FromSeconds(45));
        Assert.Empty(kit.Publisher.Posted);

        await TickAsync(kit, tracker, TimeSpan.FromSeconds(30));

        var posted = Assert.Single(kit.Publisher.Posted);
        Assert.Equal(AlertKind.Raised, posted.Kind);
        // Raised when posted, so delivery does not call it late; the text still says since when.
        Assert.Equal(AlertTestKit.Start.AddMinutes(3), posted.CreatedAt);
        Assert.Contains("since 10:00:00 UTC", posted.Text);
        Assert.Contains(kit.Publisher.All, p => p.MutedBy == "maintenance: restart by alice");
        await kit.Incidents.Received(1).OpenAsync(Arg.Is<IncidentOpening>(o => o.DuringMaintenance), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_restart_that_comes_back_healthy_inside_its_window_posts_nothing()
    {
        var kit = new AlertTestKit();
        var tracker = kit.Health();

        using (kit.Mutes.Begin(StackService.Gateway, "restart by bob"))
        {
            await tracker.OnTransitionAsync(new HealthTransition(StackService.Gateway, null, HealthState.Down, "inactive", kit.Now) { Check = "unit-active" }, CancellationToken.None);
            kit.Time.Advance(TimeSpan.FromSeconds(20));
            await tracker.OnTransitionAsync(new HealthTransition(StackService.Gateway, null, HealthState.Healthy, "active", kit.Now) { Check = "unit-active" }, CancellationToken.None);
        }

        await TickAsync(kit, tracker, TimeSpan.FromMinutes(20));

        Assert.Empty(kit.Publisher.Posted);
    }

    [Fact]
    public async Task Maintenance_of_one_service_does_not_hide_another()
    {
        var kit = new AlertTestKit();
        var tracker = kit.Health();

        using (kit.Mutes.Begin(StackService.Gateway, "restart by bob"))
        {
            await tracker.OnTransitionAsync(Vllm(kit, HealthState.Down), CancellationToken.None);
        }

        Assert.Equal([AlertKind.Raised], kit.PostedKinds());
    }

    [Fact]
    public async Task Container_restarts_are_posted_once_then_counted_within_the_throttle_interval()
    {
        var kit = new AlertTestKit();
        var tracker = kit.Health();
        HealthTransition Restarted(int count) => new(StackService.Vllm, null, HealthState.Degraded, $"container restarted (restart count {count})", kit.Now) { Check = "container", IsEvent = true };

        await tracker.OnTransitionAsync(Restarted(1), CancellationToken.None);
        kit.Time.Advance(TimeSpan.FromMinutes(2));
        await tracker.OnTransitionAsync(Restarted(2), CancellationToken.None);
        kit.Time.Advance(TimeSpan.FromMinutes(2));
        await tracker.OnTransitionAsync(Restarted(3), CancellationToken.None);
        kit.Time.Advance(TimeSpan.FromMinutes(10));
        await tracker.OnTransitionAsync(Restarted(4), CancellationToken.None);

        Assert.Equal([AlertKind.Notice, AlertKind.Notice], kit.PostedKinds());
        Assert.Contains("restart count 4", kit.Publisher.Posted[1].Text);
        Assert.Contains("2 earlier times", kit.Publisher.Posted[1].Text);
    }
}
