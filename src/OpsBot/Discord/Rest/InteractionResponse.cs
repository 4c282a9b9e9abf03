namespace OpsBot.Discord.Rest;

/// <summary>The one initial response to an interaction. Ephemerality chosen here sticks for later edits.</summary>
public sealed record InteractionResponse(InteractionCallbackType Type, DiscordMessage? Message = null, bool Ephemeral = false);
