namespace OpsBot.Discord.Interactions;

/// <summary>
/// Discord's rules for an APPLICATION_COMMAND_AUTOCOMPLETE_RESULT (callback type 8): at most 25 choices, each name 1-100
/// characters, each value of the option's type (strings up to 100 characters, integers within ±2^53, finite numbers).
/// One bad suggestion would make Discord refuse the whole answer, so it is dropped and the rest are sent.
/// </summary>
public static class AutocompleteChoices
{
    public const int MaxChoices = 25;
    public const int MaxText = 100;

    /// <summary>Discord's integer range (a double's exact integers).</summary>
    private const long MaxInteger = 1L << 53;

    /// <returns>The choices Discord accepts, in order, and a description of each one dropped.</returns>
    public static (IReadOnlyList<AutocompleteResult> Valid, IReadOnlyList<string> Problems) Validate(IEnumerable<AutocompleteResult> suggestions, ApplicationCommandOptionType type)
    {
        var valid = new List<AutocompleteResult>();
        var problems = new List<string>();
        var over = 0;
        foreach (var suggestion in suggestions)
        {
            if (Problem(suggestion, type) is { } problem)
            {
                problems.Add(problem);
            }
            else if (valid.Count < MaxChoices)
            {
                valid.Add(Normalise(suggestion, type));
            }
            else
            {
                over++;
            }
        }

        if (over > 0)
        {
            problems.Add($"{over} choice(s) over Discord's limit of {MaxChoices} left out");
        }

        return (valid, problems);
    }

    private static string? Problem(AutocompleteResult suggestion, ApplicationCommandOptionType type)
    {
        if (suggestion.Name is not { Length: > 0 and <= MaxText })
        {
            return $"choice name must be 1-{MaxText} characters (got {suggestion.Name?.Length ?? 0})";
        }

        var fits = type switch
        {
            ApplicationCommandOptionType.String => suggestion.Value is string { Length: <= MaxText },
            ApplicationCommandOptionType.Integer => suggestion.Value is int or long && Convert.ToInt64(suggestion.Value, System.Globalization.CultureInfo.InvariantCulture) is >= -MaxInteger and <= MaxInteger,
            ApplicationCommandOptionType.Number => suggestion.Value switch
            {
                int or long => true,
                double d => double.IsFinite(d),
                float f => float.IsFinite(f),
                _ => false,
            },
            _ => false,
        };
        return fits ? null : $"choice '{suggestion.Name}': value {Describe(suggestion.Value)} does not fit a {type} option";
    }

    private static AutocompleteResult Normalise(AutocompleteResult suggestion, ApplicationCommandOptionType type) => type switch
    {
        ApplicationCommandOptionType.Integer => suggestion with { Value = Convert.ToInt64(suggestion.Value, System.Globalization.CultureInfo.InvariantCulture) },
        ApplicationCommandOptionType.Number => suggestion with { Value = Convert.ToDouble(suggestion.Value, System.Globalization.CultureInfo.InvariantCulture) },
        _ => suggestion,
    };

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"\"{Rest.DiscordLimits.Truncate(s, 20)}\" ({s.Length} characters)",
        _ => value.GetType().Name,
    };
}
