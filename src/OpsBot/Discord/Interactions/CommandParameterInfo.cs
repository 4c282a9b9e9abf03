using System.Reflection;

namespace OpsBot.Discord.Interactions;

/// <summary>One handler parameter: a command option, or the injected <see cref="CancellationToken"/>.</summary>
public sealed record CommandParameterInfo(
    ParameterInfo Parameter,
    string Name,
    string Description,
    ApplicationCommandOptionType Type,
    bool IsRequired,
    object? DefaultValue,
    IReadOnlyList<CommandChoice> Choices,
    double? MinValue,
    double? MaxValue)
{
    public bool IsCancellationToken => Parameter.ParameterType == typeof(CancellationToken);
}
