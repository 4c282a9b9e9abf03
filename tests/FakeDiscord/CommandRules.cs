using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OpsBot.FakeDiscord;

/// <summary>
/// Discord's checks on a bulk command overwrite: names (lowercase for commands and options), descriptions, counts,
/// option types and order, choices (name 1-100 chars, value of the option's type, strings up to 100 chars), the
/// 4000-character total per command, <c>default_member_permissions</c> as a string of permission bits, and
/// <c>autocomplete</c> (a boolean, only on string/integer/number options, never together with <c>choices</c>).
/// </summary>
public static partial class CommandRules
{
    public const int MaxTotalCharacters = 4000;

    // SUB_COMMAND 1 ... ATTACHMENT 11.
    private const int MaxOptionType = 11;
    internal const int StringOption = 3;
    internal const int IntegerOption = 4;
    internal const int NumberOption = 10;

    public static string? Validate(JsonArray commands)
    {
        if (commands.Count > 100)
        {
            return "body: more than 100 commands";
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < commands.Count; i++)
        {
            if (commands[i] is not JsonObject command)
            {
                return $"{i}: not an object";
            }

            var name = command["name"]?.GetValue<string>() ?? string.Empty;
            if (!Name().IsMatch(name) || name != name.ToLowerInvariant())
            {
                return $"{i}.name: APPLICATION_COMMAND_INVALID_NAME";
            }

            if (!names.Add(name))
            {
                return $"{i}.name: APPLICATION_COMMANDS_DUPLICATE_NAME";
            }

            // A permission bit set, as a string of digits; a JSON number is rejected by Discord.
            if (command["default_member_permissions"] is { } permissions
                && (permissions.GetValueKind() != System.Text.Json.JsonValueKind.String || !ulong.TryParse(permissions.GetValue<string>(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)))
            {
                return $"{i}.default_member_permissions: must be a string of a permission bit set";
            }

            var description = command["description"]?.GetValue<string>() ?? string.Empty;
            if (description.Length is 0 or > 100)
            {
                return $"{i}.description: BASE_TYPE_BAD_LENGTH";
            }

            var total = name.Length + description.Length;

            if (command["options"] is JsonArray options)
            {
                if (options.Count > 25)
                {
                    return $"{i}.options: max 25";
                }

                var optional = false;
                for (var o = 0; o < options.Count; o++)
                {
                    var option = options[o]!;
                    var optionName = option["name"]?.GetValue<string>() ?? string.Empty;
                    if (!Name().IsMatch(optionName) || optionName != optionName.ToLowerInvariant())
                    {
                        return $"{i}.options.{o}.name: APPLICATION_COMMAND_INVALID_NAME";
                    }

                    var optionDescription = option["description"]?.GetValue<string>() ?? string.Empty;
                    if (optionDescription.Length is 0 or > 100)
                    {
                        return $"{i}.options.{o}.description: BASE_TYPE_BAD_LENGTH";
                    }

                    total += optionName.Length + optionDescription.Length;
                    if (option["type"] is not JsonValue typeValue || !typeValue.TryGetValue<int>(out var type) || type is < 1 or > MaxOptionType)
                    {
                        return $"{i}.options.{o}.type: BASE_TYPE_CHOICES (value must be one of 1-{MaxOptionType})";
                    }

                    if (ValidateChoices(option["choices"] as JsonArray, type, $"{i}.options.{o}.choices", ref total) is { } choiceProblem)
                    {
                        return choiceProblem;
                    }

                    var required = option["required"]?.GetValue<bool>() ?? false;
                    if (required && optional)
                    {
                        return $"{i}.options.{o}: APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID (required options must be placed before non-required options)";
                    }

                    optional |= !required;
                    if (option["choices"] is JsonArray { Count: > 25 })
                    {
                        return $"{i}.options.{o}.choices: max 25";
                    }

                    if (option["autocomplete"] is { } autocompleteNode)
                    {
                        if (autocompleteNode is not JsonValue flag || flag.GetValueKind() is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
                        {
                            return $"{i}.options.{o}.autocomplete: BASE_TYPE_BOOLEAN";
                        }

                        if (flag.GetValue<bool>())
                        {
                            if (option["choices"] is JsonArray)
                            {
                                return $"{i}.options.{o}: APPLICATION_COMMAND_OPTION_CHOICES_AUTOCOMPLETE (autocomplete cannot be used with choices)";
                            }

                            if (type is not (StringOption or IntegerOption or NumberOption))
                            {
                                return $"{i}.options.{o}.autocomplete: only STRING, INTEGER and NUMBER options can autocomplete (type {type})";
                            }
                        }
                    }
                }
            }

            if (total > MaxTotalCharacters)
            {
                return $"{i}: APPLICATION_COMMAND_TOO_LARGE (names, descriptions and choices total {total} > {MaxTotalCharacters} characters)";
            }
        }

        return null;
    }

    private static string? ValidateChoices(JsonArray? choices, int type, string path, ref int total)
    {
        for (var c = 0; choices is not null && c < choices.Count; c++)
        {
            if (choices[c] is not JsonObject choice)
            {
                return $"{path}.{c}: not an object";
            }

            var name = choice["name"] is JsonValue n && n.TryGetValue<string>(out var text) ? text : null;
            if (name is null or { Length: 0 or > 100 })
            {
                return $"{path}.{c}.name: BASE_TYPE_BAD_LENGTH (1-100)";
            }

            total += name.Length;
            var value = choice["value"] as JsonValue;
            var valid = type switch
            {
                StringOption => value is not null && value.TryGetValue<string>(out var s) && s.Length is >= 1 and <= 100,
                IntegerOption => value is not null && value.GetValueKind() == System.Text.Json.JsonValueKind.Number && value.TryGetValue<long>(out _),
                NumberOption => value is not null && value.GetValueKind() == System.Text.Json.JsonValueKind.Number,
                _ => false,
            };
            if (!valid)
            {
                return $"{path}.{c}.value: does not fit an option of type {type}";
            }

            total += value!.ToJsonString().Trim('"').Length;
        }

        return null;
    }

    [GeneratedRegex(@"^[-_'\p{L}\p{N}]{1,32}$")]
    private static partial Regex Name();
}
