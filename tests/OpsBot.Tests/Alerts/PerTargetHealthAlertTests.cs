using NSubstitute;
using OpsBot.Alerts;
using OpsBot.History;
using OpsBot.Ops;
using OpsBot.Ops.Monitoring;

namespace OpsBot.Tests.Alerts;

/// <summary>Several gateways (or vLLM servers): each target's outage is its own incident and alert, named after the target.</summary>
public sealed class PerTargetHealthAlertTests
{
    private static HealthTransition Gateway(AlertTestKit kit, string? target, HealthState state, string summary = "unit is failed (dead), port 18789 closed") =>
        new(StackService.Gateway, null, state, summary, kit.Now) { Target = target };

    [Fact]
    public async Task Two_gateways_down_are_two_alerts_each_naming_its_target_and_each_resolves_on_its_own()
    {
        var kit = new AlertTestKit();
        var tracker = kit.Health();

        await tracker.OnTransitionAsync(Gateway(kit, "gw-a", HealthState.Down), CancellationToken.None);
        await tracker.OnTransitionAsync(Gateway(kit, "gw-b", HealthState.Down), CancellationToken.None);
        kit.Time.Advance(TimeSpan.FromMinutes(3));
        await tracker.OnTransitionAsync(Gateway(kit, "gw-b", HealthState.Healthy, "active (running), port 18789 open"), CancellationToken.None);

        var posted = kit.Publisher.Posted;
        Assert.Equal([AlertKind.Raised, AlertKind.Raised, AlertKind.Resolved], posted.Select(a => a.Kind));
        Assert.StartsWith("🚨 **gateway `gw-a` status: down**", posted[0].Text);
        Assert.StartsWith("🚨 **gateway `gw-b` status: down**", posted[1].Text);
        Assert.StartsWith("✅ **Resolved: gateway `gw-b` status** is healthy again after 3 min", posted[2].Text);
        Assert.Equal(["health:Gateway/gw-a:status", "health:Gateway/gw-b:status", "health:Gateway/gw-b:status"], posted.Select(a => a.Key));
        await kit.Incidents.Received(1).OpenAsync(Arg.Is<IncidentOpening>(o => o.Key == "health:Gateway/gw-a:status" && o.Title == "gateway `gw-a` status down"), Arg.Any<CancellationToken>());
        await kit.Incidents.Received(1).OpenAsync(Arg.Is<IncidentOpening>(o => o.Key == "health:Gateway/gw-b:status"), Arg.Any<CancellationToken>());
        await kit.Incidents.Received(1).ResolveAsync(Arg.Any<long>(), kit.Now, 1, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task The_one_unnamed_target_keeps_the_services_own_wording_and_key()
    {
        var kit = new AlertTestKit();
        var tracker = kit.Health();

        await tracker.OnTransitionAsync(Gateway(kit, null, HealthState.Down), CancellationToken.None);

        var alert = Assert.Single(kit.Publisher.Posted);
        Assert.StartsWith("🚨 **gateway status: down**", alert.Text);
        Assert.Equal("health:Gateway:status", alert.Key);
        Assert.Equal(HealthAlertTracker.KeyOf(StackService.Gateway, "status"), alert.Key);
    }

    [Fact]
    public async Task A_silence_of_the_gateway_service_covers_every_gateway_target()
    {
        var kit = new AlertTestKit();
        var tracker = kit.Health();
        await kit.Mutes.SilenceAsync("gateway", 30, "alice", CancellationToken.None);

        await tracker.OnTransitionAsync(Gateway(kit, "gw-a", HealthState.Down), CancellationToken.None);
        await tracker.OnTransitionAsync(Gateway(kit, "gw-b", HealthState.Down), CancellationToken.None);
        await tracker.OnTransitionAsync(new HealthTransition(StackService.Vllm, null, HealthState.Down, "refused", kit.Now) { Target = "gpu-a" }, CancellationToken.None);

        // Both gateways are recorded as muted; vLLM's alert is not silenced by a gateway silence.
        Assert.Equal(["health:Gateway/gw-a:status", "health:Gateway/gw-b:status"], kit.Publisher.All.Where(p => p.MutedBy is not null).Select(p => p.Alert.Key));
        var posted = Assert.Single(kit.Publisher.Posted, a => a.Key.StartsWith(HealthAlertTracker.KeyPrefix, StringComparison.Ordinal));
        Assert.StartsWith("🚨 **vLLM `gpu-a` status: down**", posted.Text);
    }

    [Fact]
    public async Task An_open_incident_of_a_named_target_is_taken_over_after_a_restart_and_resolved_by_that_target_alone()
    {
        var kit = new AlertTestKit();
        kit.Incidents.GetOpenAsync(HealthAlertTracker.KeyPrefix, Arg.Any<CancellationToken>()).Returns(
        [
            new IncidentRecord(7, "health:Gateway/gw-b:status", StackService.Gateway, AlertSeverity.Critical, "gateway `gw-b` status down", "unit is failed",
                kit.Now.AddMinutes(-10), null, 1, true, false),
        ]);
        var tracker = kit.Health();

        Assert.Equal(1, await tracker.RestoreAsync(CancellationToken.None));
        // The other gateway's healthy first round is no news; gw-b's own resolves its incident.
        await tracker.OnTransitionAsync(Gateway(kit, "gw-a", HealthState.Healthy, "active (running)"), CancellationToken.None);
        await tracker.OnTransitionAsync(Gateway(kit, "gw-b", HealthState.Down), CancellationToken.None);
        Assert.Empty(kit.Publisher.Posted);
        await tracker.OnTransitionAsync(Gateway(kit, "gw-b", HealthState.Healthy, "active (running)"), CancellationToken.None);

        var resolved = Assert.Single(kit.Publisher.Posted);
        Assert.Equal((AlertKind.Resolved, "health:Gateway/gw-b:status"), (resolved.Kind, resolved.Key));
        Assert.Contains("gateway `gw-b` status** is healthy again after 10 min", resolved.Text);
        await kit.Incidents.Received(1).ResolveAsync(7, kit.Now, 1, Arg.Any<CancellationToken>());
    }
}
