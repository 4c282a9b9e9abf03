using System.Text.RegularExpressions;

namespace OpsBot.Discord.Interactions;

/// <summary>Discord's rules for a command definition, checked when a module is added rather than by a 400 at registration.</summary>
public static class CommandDefinitionValidator
{
    public const int MaxCommands = 100;

    private const int MaxOptions = 25;
    private const int MaxChoices = 25;
    private const int MaxText = 100;

    private static readonly Regex Name = new(@"^[-_'\p{L}\p{N}]{1,32}$", RegexOptions.CultureInvariant);

    /// <summary>One command on its own: names, descriptions, option order, choices and bounds.</summary>
    public static void Validate(SlashCommandInfo command)
    {
        var where = $"{command.ModuleType.Name}.{command.Method.Name}";
        if (!IsName(command.Name))
        {
            throw new InvalidOperationException($"{where}: command name '{command.Name}' must be 1-32 lowercase letters, digits, '-' or '_'.");
        }

        if (command.Description.Length is 0 or > MaxText)
        {
            throw new InvalidOperationException($"{where}: description must be 1-100 characters.");
        }

        var options = command.Options.ToList();
        if (options.Count > MaxOptions)
        {
            throw new InvalidOperationException($"{where}: at most 25 options.");
        }

        var seenOptional = false;
        foreach (var option in options)
        {
            if (!IsName(option.Name))
            {
                throw new InvalidOperationException($"{where}: option name '{option.Name}' is not a valid Discord name.");
            }

            if (option.Description.Length is 0 or > MaxText)
            {
                throw new InvalidOperationException($"{where}: option '{option.Name}' description must be 1-100 characters.");
            }

            if (seenOptional && option.IsRequired)
            {
                throw new InvalidOperationException($"{where}: required option '{option.Name}' must come before optional ones.");
            }

            seenOptional |= !option.IsRequired;
            if (option.Choices.Count > MaxChoices || option.Choices.Any(c => c.Name.Length is 0 or > MaxText || c.Value.Length is 0 or > MaxText))
            {
                throw new InvalidOperationException($"{where}: option '{option.Name}' has invalid choices (max 25, names and values 1-100 characters).");
            }

            if (option.Choices.Count > 0 && option.Type != ApplicationCommandOptionType.String)
            {
                throw new InvalidOperationException($"{where}: only string options take [Choice] here.");
            }

            if (option.IsAutocomplete && (option.Choices.Count > 0 || option.Type is not (ApplicationCommandOptionType.String or ApplicationCommandOptionType.Integer or ApplicationCommandOptionType.Number)))
            {
                throw new InvalidOperationException($"{where}: option '{option.Name}': autocomplete only applies to string, integer and number options without choices.");
            }

            if ((option.MinValue is not null || option.MaxValue is not null) && option.Type is not (ApplicationCommandOptionType.Integer or ApplicationCommandOptionType.Number))
            {
                throw new InvalidOperationException($"{where}: [MinValue]/[MaxValue] only apply to number options.");
            }
        }
    }

    /// <summary>A command beside those already registered: unique names, and no more than Discord allows per guild.</summary>
    public static void ValidateAlongside(SlashCommandInfo command, IReadOnlyList<SlashCommandInfo> registered)
    {
        if (registered.Any(c => c.Name == command.Name))
        {
            throw new InvalidOperationException($"{command.ModuleType.Name}.{command.Method.Name}: command '/{command.Name}' is defined twice.");
        }

        if (registered.Count >= MaxCommands)
        {
            throw new InvalidOperationException("Discord allows at most 100 slash commands per guild.");
        }
    }

    private static bool IsName(string name) => Name.IsMatch(name) && name == name.ToLowerInvariant();
}
