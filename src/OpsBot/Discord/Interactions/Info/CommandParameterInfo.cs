using System.Reflection;

namespace OpsBot.Discord.Interactions;

/// <summary>
/// One handler parameter: a command option, or the injected <see cref="CancellationToken"/> (which has no <see cref="Converter"/>).
/// <see cref="AutocompleteHandler"/> is the <see cref="Interactions.AutocompleteHandler"/> type that suggests its values, if any.
/// </summary>
public sealed record CommandParameterInfo(
    ParameterInfo Parameter,
    string Name,
    string Description,
    TypeConverter? Converter,
    bool IsRequired,
    object? DefaultValue,
    IReadOnlyList<CommandChoice> Choices,
    double? MinValue,
    double? MaxValue,
    Type? AutocompleteHandler = null)
{
    public bool IsAutocomplete => AutocompleteHandler is not null;

    public ApplicationCommandOptionType Type => Converter?.OptionType ?? ApplicationCommandOptionType.SubCommand;

    public bool IsCancellationToken => Converter is null;
}
