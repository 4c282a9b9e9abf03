namespace OpsBot.Discord.Interactions;

/// <summary>An autocomplete handler's suggestions, or why it has none (logged; the user sees an empty list).</summary>
public sealed record AutocompletionResult(IReadOnlyList<AutocompleteResult> Suggestions, string? ErrorReason)
{
    public bool IsSuccess => ErrorReason is null;

    public static AutocompletionResult FromSuccess(IEnumerable<AutocompleteResult> suggestions) => new([.. suggestions], null);

    public static AutocompletionResult FromError(string reason) => new([], reason);
}
