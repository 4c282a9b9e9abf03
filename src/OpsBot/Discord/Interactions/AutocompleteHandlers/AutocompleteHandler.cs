namespace OpsBot.Discord.Interactions;

/// <summary>
/// Suggests values for an option while the user types (Discord.Net's <c>AutocompleteHandler</c>). Created per request from
/// the interaction's DI scope. Discord gives the answer 3 seconds and it cannot be deferred, so suggestions come from memory;
/// the token passed in is cancelled at the router's deadline. Whatever is returned is checked against Discord's rules
/// (at most 25, names 1-100 characters, values of the option's type) before it is sent.
/// </summary>
public abstract class AutocompleteHandler
{
    public abstract ValueTask<AutocompletionResult> GenerateSuggestionsAsync(
        InteractionContext context, AutocompleteInput input, IServiceProvider services, CancellationToken cancellationToken);
}
