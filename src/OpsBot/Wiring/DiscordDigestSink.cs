using OpsBot.Charts;
using OpsBot.Discord;

namespace OpsBot.Wiring;

/// <summary>
/// Posts the daily digest to <c>Discord:AlertChannelId</c>: its line as the message and the 24 h chart attached, without
/// a push notification (a digest is for reading when convenient, not for waking anyone).
/// </summary>
public sealed class DiscordDigestSink : IDigestSink
{
    private readonly IDiscordMessageSender _discord;

    public DiscordDigestSink(IDiscordMessageSender discord) => _discord = discord;

    public async Task SendAsync(DailyDigest digest, CancellationToken cancellationToken)
    {
        if (!_discord.IsEnabled || _discord.AlertChannelId is not { } channel)
        {
            throw new InvalidOperationException("the digest goes to the alert channel: set Discord:Token and Discord:AlertChannelId");
        }

        await _discord.SendAsync(channel, new DiscordMessage
        {
            Content = digest.Summary,
            Attachments = [digest.Chart.ToDiscordAttachment()],
            SuppressNotifications = true,
        }, cancellationToken);
    }
}
