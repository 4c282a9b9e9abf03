using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OpsBot.FakeDiscord;

/// <summary>Discord's checks on a bulk command overwrite: names, descriptions, counts, option order and choices.</summary>
public static partial class CommandRules
{
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
                    if (!Name().IsMatch(optionName))
                    {
                        return $"{i}.options.{o}.name: APPLICATION_COMMAND_INVALID_NAME";
                    }

                    if ((option["description"]?.GetValue<string>() ?? string.Empty).Length is 0 or > 100)
                    {
                        return $"{i}.options.{o}.description: BASE_TYPE_BAD_LENGTH";
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

                    if (option["choices"] is JsonArray && option["autocomplete"]?.GetValue<bool>() == true)
                    {
                        return $"{i}.options.{o}: autocomplete cannot be used with choices";
                    }
                }
            }
        }

        return null;
    }

    [GeneratedRegex(@"^[-_'\p{L}\p{N}]{1,32}$")]
    private static partial Regex Name();
}
