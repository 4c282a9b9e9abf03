using OpsBot.Ops;
using OpsBot.Ops.Monitoring;

namespace OpsBot.Tests.Ops;

public sealed class HealthTransitionTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static StackStatus Snapshot(int minute, HealthState vllm, HealthState gateway = HealthState.Healthy) =>
        new(T0.AddMinutes(minute), [new ServiceStatus(StackService.Vllm, vllm, $"vllm {vllm}", []), new ServiceStatus(StackService.Gateway, gateway, $"gw {gateway}", [])]);

    [Fact]
    public void First_observation_is_reported_with_no_previous_state()
    {
        var tracker = new HealthTransitionTracker(1);

        var transitions = tracker.Observe(Snapshot(0, HealthState.Healthy, HealthState.Unknown));

        Assert.Equal(
            [
                new HealthTransition(StackService.Vllm, null, HealthState.Healthy, "vllm Healthy", T0),
                new HealthTransition(StackService.Gateway, null, HealthState.Unknown, "gw Unknown", T0),
            ],
            transitions);
    }

    [Fact]
    public void Unchanged_states_produce_no_transitions()
    {
        var tracker = new HealthTransitionTracker(1);
        tracker.Observe(Snapshot(0, HealthState.Healthy));

        Assert.Empty(tracker.Observe(Snapshot(1, HealthState.Healthy)));
    }

    [Fact]
    public void A_change_is_reported_once_with_from_and_to()
    {
        var tracker = new HealthTransitionTracker(1);
        tracker.Observe(Snapshot(0, HealthState.Healthy));

        var down = tracker.Observe(Snapshot(1, HealthState.Down));
        var stillDown = tracker.Observe(Snapshot(2, HealthState.Down));

        Assert.Equal([new HealthTransition(StackService.Vllm, HealthState.Healthy, HealthState.Down, "vllm Down", T0.AddMinutes(1))], down);
        Assert.Empty(stillDown);
    }

    [Fact]
    public void With_confirmation_a_single_blip_is_ignored()
    {
        var tracker = new HealthTransitionTracker(2);
        tracker.Observe(Snapshot(0, HealthState.Healthy));

        Assert.Empty(tracker.Observe(Snapshot(1, HealthState.Down)));
        Assert.Empty(tracker.Observe(Snapshot(2, HealthState.Healthy)));
        Assert.Equal(HealthState.Healthy, tracker.Confirmed(StackService.Vllm));
    }

    [Fact]
    public void With_confirmation_a_persisting_change_is_reported_at_the_confirming_probe()
    {
        var tracker = new HealthTransitionTracker(2);
        tracker.Observe(Snapshot(0, HealthState.Healthy));

        Assert.Empty(tracker.Observe(Snapshot(1, HealthState.Down)));
        var confirmed = tracker.Observe(Snapshot(2, HealthState.Down));

        Assert.Equal([new HealthTransition(StackService.Vllm, HealthState.Healthy, HealthState.Down, "vllm Down", T0.AddMinutes(2))], confirmed);
    }

    [Fact]
    public void Alternating_new_states_restart_the_confirmation_count()
    {
        var tracker = new HealthTransitionTracker(2);
        tracker.Observe(Snapshot(0, HealthState.Healthy));

        Assert.Empty(tracker.Observe(Snapshot(1, HealthState.Down)));
        Assert.Empty(tracker.Observe(Snapshot(2, HealthState.Degraded)));
        var transitions = tracker.Observe(Snapshot(3, HealthState.Degraded));

        Assert.Equal(HealthState.Degraded, Assert.Single(transitions).To);
    }
}
