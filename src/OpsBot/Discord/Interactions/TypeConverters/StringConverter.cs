using System.Text.Json;

namespace OpsBot.Discord.Interactions;

/// <summary>Text; with <see cref="ChoiceAttribute"/>s on the parameter, only one of their values.</summary>
public sealed class StringConverter : TypeConverter
{
    public static StringConverter Instance { get; } = new();

    public override ApplicationCommandOptionType OptionType => ApplicationCommandOptionType.String;

    public override TypeConverterResult Read(CommandParameterInfo parameter, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return TypeConverterResult.FromError($"Option `{parameter.Name}` must be text.");
        }

        var text = value.GetString()!;
        return parameter.Choices.Count > 0 && !parameter.Choices.Any(c => string.Equals(c.Value, text, StringComparison.Ordinal))
            ? NotAChoice(parameter)
            : TypeConverterResult.FromSuccess(text);
    }
}
