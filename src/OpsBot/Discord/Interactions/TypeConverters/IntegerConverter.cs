using System.Text.Json;

namespace OpsBot.Discord.Interactions;

/// <summary>A whole number within the parameter's <see cref="MinValueAttribute"/>/<see cref="MaxValueAttribute"/>.</summary>
public sealed class IntegerConverter : TypeConverter
{
    private readonly bool _int32;

    private IntegerConverter(bool int32) => _int32 = int32;

    public static IntegerConverter Int32 { get; } = new(int32: true);

    public static IntegerConverter Int64 { get; } = new(int32: false);

    public override ApplicationCommandOptionType OptionType => ApplicationCommandOptionType.Integer;

    public override TypeConverterResult Read(CommandParameterInfo parameter, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var integer))
        {
            return TypeConverterResult.FromError($"Option `{parameter.Name}` must be a whole number.");
        }

        return NumberConverter.OutOfRange(parameter, integer) is { } error
            ? TypeConverterResult.FromError(error)
            : TypeConverterResult.FromSuccess(_int32 ? (object)(int)integer : integer);
    }
}
