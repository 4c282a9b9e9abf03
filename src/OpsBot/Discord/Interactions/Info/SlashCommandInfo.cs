using System.Reflection;

namespace OpsBot.Discord.Interactions;

public sealed record SlashCommandInfo(
    string Name,
    string Description,
    Type ModuleType,
    MethodInfo Method,
    IReadOnlyList<CommandParameterInfo> Parameters,
    IReadOnlyList<PreconditionAttribute> Preconditions)
    : CommandInfo(ModuleType, Method, Preconditions)
{
    public override string LogName => $"/{Name}";

    /// <summary>The parameters Discord sees as options (all but the injected <see cref="CancellationToken"/>).</summary>
    public IEnumerable<CommandParameterInfo> Options => Parameters.Where(p => !p.IsCancellationToken);

    /// <summary>Converts and validates the options Discord sent against the handler's declared options.</summary>
    public ParseResult ParseArguments(Interaction interaction, CancellationToken cancellationToken)
    {
        var arguments = new object?[Parameters.Count];
        for (var i = 0; i < Parameters.Count; i++)
        {
            var parameter = Parameters[i];
            if (parameter.IsCancellationToken)
            {
                arguments[i] = cancellationToken;
                continue;
            }

            var option = interaction.Data.Options.FirstOrDefault(o => string.Equals(o.Name, parameter.Name, StringComparison.Ordinal));
            if (option?.Value is not { } value)
            {
                if (parameter.IsRequired)
                {
                    return ParseResult.FromError($"Option `{parameter.Name}` is required.");
                }

                arguments[i] = parameter.DefaultValue;
                continue;
            }

            var converted = parameter.Converter!.Read(parameter, value);
            if (!converted.IsSuccess)
            {
                return ParseResult.FromError(converted.ErrorReason!);
            }

            arguments[i] = converted.Value;
        }

        return ParseResult.FromSuccess(arguments);
    }
}
