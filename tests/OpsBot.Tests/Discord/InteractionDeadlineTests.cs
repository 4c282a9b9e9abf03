using Microsoft.Extensions.Time.Testing;
using NSubstitute;
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
}
