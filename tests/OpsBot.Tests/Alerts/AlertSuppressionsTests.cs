using OpsBot.Alerts;
using OpsBot.Ops;

namespace OpsBot.Tests.Alerts;

public sealed class AlertSuppressionsTests
{
    [Fact]
    public async Task Silence_mutes_its_target_until_it_expires_and_is_announced()
    {
        var kit = new AlertTestKit();

        var result = await kit.Mutes.SilenceAsync("vllm", 30, "alice", CancellationToken.None);

        Assert.True(result.Accepted);
        Assert.Contains("🔕 vLLM alerts silenced for 30 min by alice (until 10:30 UTC)", result.Message);
        Assert.Equal(result.Message, Assert.Single(kit.Publisher.Posted).Text);
        Assert.StartsWith("silenced by alice", kit.Mutes.MutedBy(AlertTarget.Vllm, kit.Now));
        Assert.Null(kit.Mutes.MutedBy(AlertTarget.Gateway, kit.Now));
        kit.Time.Advance(TimeSpan.FromMinutes(30));
        Assert.Null(kit.Mutes.MutedBy(AlertTarget.Vllm, kit.Now));
        Assert.Empty(kit.Mutes.GetActiveSilences());
    }

    [Fact]
    public async Task Silencing_all_mutes_every_target_and_unsilence_lifts_it()
    {
        var kit = new AlertTestKit();

        await kit.Mutes.SilenceAsync("all", 10, "alice", CancellationToken.None);
        Assert.All(Enum.GetValues<AlertTarget>(), t => Assert.NotNull(kit.Mutes.MutedBy(t, kit.Now)));

        var lifted = await kit.Mutes.UnsilenceAsync("ALL", "bob", CancellationToken.None);

        Assert.True(lifted.Accepted);
        Assert.All(Enum.GetValues<AlertTarget>(), t => Assert.Null(kit.Mutes.MutedBy(t, kit.Now)));
        var again = await kit.Mutes.UnsilenceAsync("all", "bob", CancellationToken.None);
        Assert.False(again.Accepted);
        Assert.Equal("There is no silence on all alerts.", again.Message);
        Assert.Equal("🔔 all alerts unsilenced by bob.", lifted.Message);
    }

    [Theory]
    [InlineData("database", 10, "Unknown target 'database'")]
    [InlineData("vllm", 0, "Minutes must be between 1 and 1440")]
    [InlineData("vllm", 1441, "Minutes must be between 1 and 1440")]
    public async Task Bad_silence_requests_are_refused_with_a_reason(string target, int minutes, string reason)
    {
        var kit = new AlertTestKit();

        var result = await kit.Mutes.SilenceAsync(target, minutes, "alice", CancellationToken.None);

        Assert.False(result.Accepted);
        Assert.Contains(reason, result.Message);
        Assert.Empty(kit.Publisher.All);
        Assert.Empty(kit.Mutes.GetActiveSilences());
    }

    [Fact]
    public async Task The_configured_silence_limit_is_the_one_enforced()
    {
        var kit = new AlertTestKit(o => o.MaxSilenceMinutes = 2880);

        Assert.True((await kit.Mutes.SilenceAsync("gateway", 2000, "alice", CancellationToken.None)).Accepted);
        var refused = await kit.Mutes.SilenceAsync("gateway", 2881, "alice", CancellationToken.None);
        Assert.False(refused.Accepted);
        Assert.Contains("Minutes must be between 1 and 2880 (got 2881)", refused.Message);
    }

    [Fact]
    public void Maintenance_covers_its_service_and_no_reply_until_the_grace_after_it_ends()
    {
        var kit = new AlertTestKit();

        var window = kit.Mutes.Begin(StackService.Gateway, "restart by bob");

        Assert.Equal("maintenance: restart by bob", kit.Mutes.MutedBy(AlertTarget.Gateway, kit.Now));
        Assert.True(kit.Mutes.InMaintenance(AlertTarget.NoReply, kit.Now));
        Assert.Null(kit.Mutes.MutedBy(AlertTarget.Vllm, kit.Now));
        window.Dispose();
        window.Dispose();
        kit.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.True(kit.Mutes.InMaintenance(AlertTarget.Gateway, kit.Now));
        kit.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(kit.Mutes.InMaintenance(AlertTarget.Gateway, kit.Now));
        Assert.Empty(kit.Mutes.GetActiveMaintenance());
    }

    [Fact]
    public void A_maintenance_window_nobody_ends_expires_on_its_own()
    {
        var kit = new AlertTestKit();

        _ = kit.Mutes.Begin(StackService.Vllm, "restart by a crashed flow");
        kit.Time.Advance(TimeSpan.FromMinutes(16));

        Assert.False(kit.Mutes.InMaintenance(AlertTarget.Vllm, kit.Now));
    }
}
