using OpsBot.Discord.Interactions;

namespace OpsBot.Discord.Rest;

/// <summary>
/// The one initial response to an interaction. Ephemerality chosen here sticks for later edits. <see cref="Choices"/> is the
/// answer to an autocomplete interaction (<see cref="InteractionCallbackType.AutocompleteResult"/>), already validated.
/// </summary>
public sealed record InteractionResponse(InteractionCallbackType Type, DiscordMessage? Message = null, bool Ephemeral = false, IReadOnlyList<AutocompleteResult>? Choices = null);
