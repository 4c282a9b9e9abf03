using System.Globalization;
using System.Text.Json;

namespace OpsBot.Discord.Interactions;

/// <summary>A finite number within the parameter's <see cref="MinValueAttribute"/>/<see cref="MaxValueAttribute"/>.</summary>
public sealed class NumberConverter : TypeConverter
{
    public static NumberConverter Instance { get; } = new();

    public override ApplicationCommandOptionType OptionType => ApplicationCommandOptionType.Number;

    public override TypeConverterResult Read(CommandParameterInfo parameter, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            return TypeConverterResult.FromError($"Option `{parameter.Name}` must be a number.");
        }

        return OutOfRange(parameter, number) is { } error ? TypeConverterResult.FromError(error) : TypeConverterResult.FromSuccess(number);
    }

    internal static string? OutOfRange(CommandParameterInfo parameter, double value)
    {
        if ((parameter.MinValue is { } min && value < min) || (parameter.MaxValue is { } max && value > max))
        {
            return $"Option `{parameter.Name}` must be between {Format(parameter.MinValue)} and {Format(parameter.MaxValue)} (got {value.ToString(CultureInfo.InvariantCulture)}).";
        }

        return null;

        static string Format(double? bound) => bound?.ToString(CultureInfo.InvariantCulture) ?? "any";
    }
}
