using Microsoft.Extensions.Options;
using OpsBot.Discord.Rest;

namespace OpsBot.Discord;

public sealed class DiscordMessageSender(IDiscordRestClient rest, IOptions<DiscordOptions> options) : IDiscordMessageSender
{
    public bool IsEnabled => true;

    public ulong? AlertChannelId => options.Value.AlertChannelId;

    public async Task<ulong?> SendAsync(ulong channelId, DiscordMessage message, CancellationToken cancellationToken) =>
        await rest.CreateMessageAsync(channelId, message, cancellationToken);
}
