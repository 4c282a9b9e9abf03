namespace OpsBot.Discord.Interactions;

/// <summary>
/// Answers one interaction. Exactly one initial response goes to Discord however the calls interleave: later calls turn
/// into edits or follow-ups, so a watchdog defer and a handler reply can never produce a 40060 "already acknowledged".
/// </summary>
public interface IInteractionResponder
{
    bool HasResponded { get; }

    /// <summary>Shows "thinking..." (commands) or acknowledges silently (buttons). No-op once answered. Ephemerality is fixed here.</summary>
    Task DeferAsync(bool ephemeral, CancellationToken cancellationToken);

    /// <summary>Replies with a message; after a defer this fills the deferred message, after a reply it becomes a follow-up.</summary>
    Task RespondAsync(DiscordMessage message, bool ephemeral, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the interaction's own message (for buttons: the message holding the button).</summary>
    Task ModifyOriginalAsync(DiscordMessage message, CancellationToken cancellationToken);

    Task FollowupAsync(DiscordMessage message, bool ephemeral, CancellationToken cancellationToken);

    /// <summary>
    /// Answers an autocomplete interaction with its suggestions (callback type 8, the only answer it takes). No-op once answered.
    /// The message methods above refuse an autocomplete interaction, and this one refuses any other.
    /// </summary>
    Task RespondWithAutocompleteAsync(IReadOnlyList<AutocompleteResult> choices, CancellationToken cancellationToken);
}
