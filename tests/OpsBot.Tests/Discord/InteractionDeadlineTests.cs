using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using OpsBot.Alerts;
using OpsBot.FakeDiscord;
using OpsBot.Ops;

namespace OpsBot.Tests.Discord;

/// <summary>Discord's 3-second rule end to end: the bot and the fake share one clock that the test moves.</summary>
public sealed class InteractionDeadlineTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_slow_status_is_deferred_within_the_deadline_and_its_answer_lands_long_after_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // Heartbeats every ten minutes: moving the shared clock must not starve or time out the session.
        var fake = new FakeDiscordOptions { TimeProvider = time, HeartbeatIntervalMs = 600_000 };
        await using var bot = await BotHarness.StartAsync(fake: fake, time: time);
        var probe = new TaskCompletionSource<StackStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        bot.Status.GetStatusAsync(Arg.Any<CancellationToken>()).Returns(probe.Task);

        var interaction = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("status"));
        var deferral = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{interaction.Id}/", timeout: Wait);
        time.Advance(TimeSpan.FromSeconds(30));
        probe.SetResult(new StackStatus(time.GetUtcNow(), []));
        var edit = await bot.Discord.WaitForRequestAsync("PATCH", "/api/v10/webhooks/", timeout: Wait);

        Assert.Equal(204, deferral.Status);
        Assert.Equal(5, interaction.CallbackType);
        Assert.Equal(TimeSpan.Zero, interaction.AcknowledgedAt - interaction.DispatchedAt);
        Assert.Equal(200, edit.Status);
        Assert.Equal("OpsBot status", interaction.Original!["embeds"]![0]!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_slow_command_that_never_defers_is_auto_deferred_before_discords_deadline_and_then_edited()
    {
        // /silence answers only when the silence service returns; the bot's auto-defer must cover it. The bot's
        // timer and the fake's 3 s deadline run on one clock, so "in time" is exact, not a guess about scheduling.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var fake = new FakeDiscordOptions { TimeProvider = time, HeartbeatIntervalMs = 600_000 };
        await using var bot = await BotHarness.StartAsync(fake: fake, time: time);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = new TaskCompletionSource<SilenceResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        bot.Silences.SilenceAsync("all", 30, Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(_ =>
        {
            entered.TrySetResult();
            return probe.Task;
        });

        var interaction = await bot.Discord.DispatchInteractionAsync(
            bot.Discord.Interactions.SlashCommand("silence", [("target", "all"), ("minutes", 30)]));
        await entered.Task.WaitAsync(Wait);
        Assert.Null(interaction.CallbackType);

        // The auto-defer is due 2 s after the handler started (the default Discord:AutoDeferAfter): moving the clock
        // exactly that far must bring the deferral, and the fake stamps it with the same clock.
        time.Advance(TimeSpan.FromSeconds(2));
        var deferral = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{interaction.Id}/", timeout: Wait);

        Assert.Equal(204, deferral.Status);
        Assert.Equal(5, interaction.CallbackType);
        Assert.False(interaction.Ephemeral);
        Assert.Equal(TimeSpan.FromSeconds(2), interaction.AcknowledgedAt - interaction.DispatchedAt);
        Assert.True(interaction.AcknowledgedAt - interaction.DispatchedAt < fake.InteractionDeadline);

        // The answer arrives long after the deadline and becomes an edit of the deferred message.
        time.Advance(TimeSpan.FromSeconds(30));
        probe.SetResult(new SilenceResult(true, "🔕 Alerts for all held back for 30 minutes."));
        var edit = await bot.Discord.WaitForRequestAsync("PATCH", "/api/v10/webhooks/", timeout: Wait);

        Assert.Equal(200, edit.Status);
        Assert.Equal("🔕 Alerts for all held back for 30 minutes.", interaction.Original!["content"]!.GetValue<string>());
        Assert.Single(bot.Discord.Requests.Snapshot(), r => r.Is("POST", $"/api/v10/interactions/{interaction.Id}/"));
    }
}
