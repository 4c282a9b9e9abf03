namespace OpsBot.Discord;

/// <summary>Posts messages to Discord channels with the bot token (alerts, long-running command results).</summary>
public interface IDiscordMessageSender
{
    /// <summary>False when no bot token is configured; <see cref="SendAsync"/> then sends nothing.</summary>
    bool IsEnabled { get; }

    /// <summary>The configured alert channel, if any.</summary>
    ulong? AlertChannelId { get; }

    /// <summary>Sends a message and returns the created message's id, or null when the bot is disabled.</summary>
    /// <exception cref="Rest.DiscordApiException">Discord refused the message (missing permissions, unknown channel, ...).</exception>
    Task<ulong?> SendAsync(ulong channelId, DiscordMessage message, CancellationToken cancellationToken);
}
