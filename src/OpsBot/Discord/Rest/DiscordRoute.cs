namespace OpsBot.Discord.Rest;

/// <summary>
/// One REST call: <see cref="Template"/> names the route for logs and rate-limit buckets,
/// <see cref="Path"/> is the real path and may carry an interaction token, so it is never logged.
/// </summary>
public sealed record DiscordRoute(HttpMethod Method, string Template, string Path, string MajorParameter, bool ExemptFromGlobalLimit = false)
{
    public string RouteKey => $"{Method.Method} {Template}";

    public override string ToString() => RouteKey;

    public static DiscordRoute GatewayBot() =>
        new(HttpMethod.Get, "/gateway/bot", "/gateway/bot", string.Empty);

    public static DiscordRoute BulkOverwriteGuildCommands(ulong applicationId, ulong guildId) =>
        new(HttpMethod.Put, "/applications/{application_id}/guilds/{guild_id}/commands", $"/applications/{applicationId}/guilds/{guildId}/commands", guildId.ToString());

    public static DiscordRoute CreateMessage(ulong channelId) =>
        new(HttpMethod.Post, "/channels/{channel_id}/messages", $"/channels/{channelId}/messages", channelId.ToString());

    // Interaction and webhook-token routes are outside the global limit; keying them by interaction/token keeps one
    // slow interaction from queueing behind another.
    public static DiscordRoute InteractionCallback(ulong interactionId, string token) =>
        new(HttpMethod.Post, "/interactions/{interaction_id}/{interaction_token}/callback", $"/interactions/{interactionId}/{Uri.EscapeDataString(token)}/callback", interactionId.ToString(), ExemptFromGlobalLimit: true);

    public static DiscordRoute EditOriginalResponse(ulong applicationId, string token) =>
        new(HttpMethod.Patch, "/webhooks/{application_id}/{interaction_token}/messages/@original", $"/webhooks/{applicationId}/{Uri.EscapeDataString(token)}/messages/@original", token, ExemptFromGlobalLimit: true);

    public static DiscordRoute CreateFollowup(ulong applicationId, string token) =>
        new(HttpMethod.Post, "/webhooks/{application_id}/{interaction_token}", $"/webhooks/{applicationId}/{Uri.EscapeDataString(token)}", token, ExemptFromGlobalLimit: true);
}
