using System.Text.Json;

namespace OpsBot.Discord.Interactions;

public sealed class BooleanConverter : TypeConverter
{
    public static BooleanConverter Instance { get; } = new();

    public override ApplicationCommandOptionType OptionType => ApplicationCommandOptionType.Boolean;

    public override TypeConverterResult Read(CommandParameterInfo parameter, JsonElement value) =>
        value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? TypeConverterResult.FromSuccess(value.GetBoolean())
            : TypeConverterResult.FromError($"Option `{parameter.Name}` must be true or false.");
}
