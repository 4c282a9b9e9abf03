namespace OpsBot.Discord.Interactions;

/// <summary>
/// Registers the option with <c>autocomplete: true</c> and answers Discord's autocomplete interactions for it with
/// <see cref="HandlerType"/>'s suggestions (Discord.Net's <c>[Autocomplete(typeof(...))]</c>). Only string, integer and
/// number options, and never together with fixed choices (an enum or <see cref="ChoiceAttribute"/>): Discord rejects both.
/// Suggestions are no constraint: a handler must still validate what the user sends with the command.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class AutocompleteAttribute(Type handlerType) : Attribute
{
    /// <summary>A concrete <see cref="AutocompleteHandler"/>, created from the interaction's DI scope for each request.</summary>
    public Type HandlerType { get; } = handlerType;
}
