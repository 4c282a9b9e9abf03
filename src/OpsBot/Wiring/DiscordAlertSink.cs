using OpsBot.Alerts;
using OpsBot.Discord;

namespace OpsBot.Wiring;

/// <summary>Posts alerts to <c>Discord:AlertChannelId</c>. Throws when Discord is off or unreachable so the outbox keeps the alert.</summary>
public sealed class DiscordAlertSink : IAlertSink
{
    private readonly IDiscordMessageSender _discord;

    public DiscordAlertSink(IDiscordMessageSender discord) => _discord = discord;

    public async Task SendAsync(OutgoingAlert alert, CancellationToken cancellationToken)
    {
        if (!_discord.IsEnabled || _discord.AlertChannelId is not { } channel)
        {
            throw new InvalidOperationException("Discord alerts are not configured (Discord:Token and Discord:AlertChannelId).");
        }

        var message = new DiscordMessage
        {
            Embeds =
            [
                new DiscordEmbed
                {
                    Description = alert.Text,
                    Color = alert.Severity switch
                    {
                        AlertSeverity.Critical => DiscordColors.Red,
                        AlertSeverity.Warning => DiscordColors.Orange,
                        _ => DiscordColors.Green,
                    },
                    Timestamp = alert.CreatedAt,
                },
            ],
        };
        await _discord.SendAsync(channel, message, cancellationToken);
    }
}
