using OpsBot.Alerts;
using OpsBot.Discord;

namespace OpsBot.Wiring;

/// <summary>Posts alerts to <c>Discord:AlertChannelId</c>. Throws when Discord is off or unreachable so the outbox keeps the alert.</summary>
/// <remarks>
/// The Discord client is resolved at the first post, not when alerting starts: a Discord part that cannot be built fails
/// the post (the alert stays queued, the dispatcher retries), never the alert pipeline.
/// </remarks>
public sealed class DiscordAlertSink : IAlertSink
{
    private readonly Lazy<IDiscordMessageSender> _discord;

    public DiscordAlertSink(IServiceProvider services) => _discord = new(services.GetRequiredService<IDiscordMessageSender>);

    public DiscordAlertSink(IDiscordMessageSender discord) => _discord = new(discord);

    public async Task SendAsync(OutgoingAlert alert, CancellationToken cancellationToken)
    {
        var discord = _discord.Value;
        if (!discord.IsEnabled || discord.AlertChannelId is not { } channel)
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
                    Color = Color(alert),
                    Timestamp = alert.CreatedAt,
                },
            ],
        };
        await discord.SendAsync(channel, message, cancellationToken);
    }

    /// <summary>The incident's colour while it lasts; green once it is resolved, whatever its severity was.</summary>
    public static int Color(OutgoingAlert alert) => alert.Kind == AlertKind.Resolved
        ? DiscordColors.Green
        : alert.Severity switch
        {
            AlertSeverity.Critical => DiscordColors.Red,
            AlertSeverity.Warning => DiscordColors.Orange,
            _ => DiscordColors.Green,
        };
}
