using System.Reflection;

namespace OpsBot.Discord.Interactions;

/// <summary>One handler parameter: a command option, or the injected <see cref="CancellationToken"/> (which has no <see cref="Converter"/>).</summary>
public sealed record CommandParameterInfo(
    ParameterInfo Parameter,
    string Name,
    string Description,
    TypeConverter? Converter,
    bool IsRequired,
    object? DefaultValue,
    IReadOnlyList<CommandChoice> Choices,
    double? MinValue,
    double? MaxValue)
{
    public ApplicationCommandOptionType Type => Converter?.OptionType ?? ApplicationCommandOptionType.SubCommand;

    public bool IsCancellationToken => Converter is null;
}
