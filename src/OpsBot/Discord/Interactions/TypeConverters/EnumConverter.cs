using System.Text.Json;
using OpsBot.Operations;

namespace OpsBot.Discord.Interactions;

/// <summary>
/// An enum as a string option whose choices are its members' <see cref="ChoiceDisplayAttribute"/> names (Discord.Net's
/// <c>EnumConverter</c>): the module declares <c>StackService service</c> and the choices come from the one name table.
/// </summary>
public sealed class EnumConverter<TEnum> : TypeConverter
    where TEnum : struct, Enum
{
    public override ApplicationCommandOptionType OptionType => ApplicationCommandOptionType.String;

    public override IReadOnlyList<CommandChoice> Choices { get; } = [.. EnumNames<TEnum>.Names.Select(name => new CommandChoice(name, name))];

    public override TypeConverterResult Read(CommandParameterInfo parameter, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return TypeConverterResult.FromError($"Option `{parameter.Name}` must be text.");
        }

        return EnumNames<TEnum>.TryParseExact(value.GetString(), out var parsed)
            ? TypeConverterResult.FromSuccess(parsed)
            : NotAChoice(parameter);
    }
}
