using System.Text.Json;

namespace OpsBot.Discord.Interactions;

/// <summary>
/// Reads an option value Discord sent into a handler parameter's type, and says how that option is registered (after
/// Discord.Net's <c>TypeConverter</c>). Discord checks types, ranges and choices in its client, but a stale or forged
/// interaction can carry anything, so every rule is checked again here.
/// </summary>
public abstract class TypeConverter
{
    public abstract ApplicationCommandOptionType OptionType { get; }

    /// <summary>Choices the type itself fixes (an enum's names); empty when the parameter's <see cref="ChoiceAttribute"/>s decide.</summary>
    public virtual IReadOnlyList<CommandChoice> Choices => [];

    public abstract TypeConverterResult Read(CommandParameterInfo parameter, JsonElement value);

    /// <summary>The converter for a parameter type (<c>int?</c> as <c>int</c>), or null when options cannot have that type.</summary>
    public static TypeConverter? For(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(string) => StringConverter.Instance,
            _ when type == typeof(int) => IntegerConverter.Int32,
            _ when type == typeof(long) => IntegerConverter.Int64,
            _ when type == typeof(double) => NumberConverter.Instance,
            _ when type == typeof(bool) => BooleanConverter.Instance,
            _ when type.IsEnum => (TypeConverter)Activator.CreateInstance(typeof(EnumConverter<>).MakeGenericType(type))!,
            _ => null,
        };
    }

    protected static TypeConverterResult NotAChoice(CommandParameterInfo parameter) =>
        TypeConverterResult.FromError($"Option `{parameter.Name}` must be one of {string.Join(", ", parameter.Choices.Select(c => $"`{c.Value}`"))}.");
}
