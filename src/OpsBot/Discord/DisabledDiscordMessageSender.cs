namespace OpsBot.Discord;

/// <summary>Stands in when no bot token is configured, so alerting code needs no special case.</summary>
public sealed class DisabledDiscordMessageSender : IDiscordMessageSender
{
    public bool IsEnabled => false;

    public ulong? AlertChannelId => null;

    public Task<ulong?> SendAsync(ulong channelId, DiscordMessage message, CancellationToken cancellationToken) => Task.FromResult<ulong?>(null);
}
