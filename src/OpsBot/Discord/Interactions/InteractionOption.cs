using System.Text.Json;

namespace OpsBot.Discord.Interactions;

/// <summary>
/// An option as sent by Discord: <see cref="Value"/> keeps its JSON type; sub-commands carry nested options instead.
/// <see cref="Focused"/> marks the option being typed in an autocomplete interaction (its value is partial text then).
/// </summary>
public sealed record InteractionOption(string Name, ApplicationCommandOptionType Type, JsonElement? Value, IReadOnlyList<InteractionOption> Options, bool Focused = false);
