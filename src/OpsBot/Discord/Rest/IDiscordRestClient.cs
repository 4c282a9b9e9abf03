namespace OpsBot.Discord.Rest;

/// <summary>The Discord REST routes OpsBot uses. All calls honour Discord's rate limits.</summary>
public interface IDiscordRestClient
{
    Task<GatewayBotInfo> GetGatewayBotAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the guild's whole command list with <paramref name="commandsJson"/> (a JSON array).</summary>
    Task BulkOverwriteGuildCommandsAsync(ulong applicationId, ulong guildId, string commandsJson, CancellationToken cancellationToken);

    Task CreateInteractionResponseAsync(ulong interactionId, string interactionToken, InteractionResponse response, CancellationToken cancellationToken);

    Task EditOriginalResponseAsync(ulong applicationId, string interactionToken, DiscordMessage message, CancellationToken cancellationToken);

    Task<ulong> CreateFollowupMessageAsync(ulong applicationId, string interactionToken, DiscordMessage message, bool ephemeral, CancellationToken cancellationToken);

    Task<ulong> CreateMessageAsync(ulong channelId, DiscordMessage message, CancellationToken cancellationToken);
}
