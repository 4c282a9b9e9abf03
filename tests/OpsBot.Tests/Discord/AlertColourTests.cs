using Microsoft.Extensions.DependencyInjection;
using OpsBot.Alerts;
using OpsBot.Discord;
using OpsBot.FakeDiscord;
using OpsBot.Wiring;

namespace OpsBot.Tests.Discord;

/// <summary>An alert's bar shows how bad things are now: the incident's colour while it lasts, green once it is resolved.</summary>
public sealed class AlertColourTests
{
    [Theory]
    [InlineData(AlertKind.Raised, AlertSeverity.Critical, DiscordColors.Red)]
    [InlineData(AlertKind.Update, AlertSeverity.Warning, DiscordColors.Orange)]
    [InlineData(AlertKind.Resolved, AlertSeverity.Critical, DiscordColors.Green)]
    [InlineData(AlertKind.Resolved, AlertSeverity.Warning, DiscordColors.Green)]
    public async Task Alert_embeds_posted_to_the_alert_channel_are_coloured_by_where_the_incident_stands(AlertKind kind, AlertSeverity severity, int colour)
    {
        await using var bot = await BotHarness.StartAsync();
        var sink = new DiscordAlertSink(bot.Host.Services.GetRequiredService<IDiscordMessageSender>());

        await sink.SendAsync(new OutgoingAlert("health:Vllm:reachable", kind, severity, "✅ **Resolved: vLLM reachable** is healthy again", DateTimeOffset.UtcNow, null), CancellationToken.None);

        var post = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/channels/{FakeInteractions.AlertsChannelId}/messages");
        Assert.Equal(200, post.Status);
        Assert.Equal(colour, post.Json!["embeds"]![0]!["color"]!.GetValue<int>());
    }
}
