using System.Text.Json;

namespace OpsBot.Discord.Interactions;

/// <summary>
/// What the user has typed so far: <see cref="Text"/> of the focused option, and the other options as Discord sent them
/// (partial, or missing even when required).
/// </summary>
public sealed record AutocompleteInput(SlashCommandInfo Command, CommandParameterInfo Parameter, string Text, IReadOnlyList<InteractionOption> Options)
{
    /// <summary>Another option's value as text (a string as sent, a number in its JSON form), or null when it is not filled in.</summary>
    public string? OptionText(string name) =>
        Options.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.Ordinal))?.Value is { } value ? TextOf(value) : null;

    internal static string TextOf(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.GetRawText();
}
