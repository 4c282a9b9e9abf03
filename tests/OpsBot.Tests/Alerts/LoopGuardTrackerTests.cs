using OpsBot.Alerts;

namespace OpsBot.Tests.Alerts;

public sealed class LoopGuardTrackerTests
{
    [Fact]
    public async Task A_spike_of_loop_guard_aborts_raises_once_and_resolves_when_it_subsides()
    {
        var kit = new AlertTestKit(o => { o.LoopGuard.Threshold = 3; o.LoopGuard.Window = TimeSpan.FromMinutes(10); });
        var tracker = kit.LoopGuard();

        for (var i = 0; i < 5; i++)
        {
            await tracker.RecordAsync(kit.Now, CancellationToken.None);
            kit.Time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal([AlertKind.Raised], kit.PostedKinds());
        Assert.Contains("3 agent tool loops cut off", kit.Publisher.Posted[0].Text);

        kit.Time.Advance(TimeSpan.FromMinutes(8));
        await tracker.EvaluateAsync(kit.Now, CancellationToken.None);

        Assert.Equal([AlertKind.Raised, AlertKind.Resolved], kit.PostedKinds());
        Assert.Contains("5 in all", kit.Publisher.Posted[1].Text);
    }

    [Fact]
    public async Task Aborts_below_the_threshold_are_the_guard_doing_its_job()
    {
        var kit = new AlertTestKit(o => o.LoopGuard.Threshold = 3);
        var tracker = kit.LoopGuard();

        for (var i = 0; i < 6; i++)
        {
            await tracker.RecordAsync(kit.Now, CancellationToken.None);
            kit.Time.Advance(TimeSpan.FromMinutes(6));
        }

        Assert.Empty(kit.Publisher.All);
    }
}
