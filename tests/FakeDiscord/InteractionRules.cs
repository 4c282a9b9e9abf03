using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpsBot.FakeDiscord;

/// <summary>Discord's checks on the callback types that carry no message: the deferrals, and the autocomplete result.</summary>
public static class InteractionRules
{
    public const int Ephemeral = 1 << 6;

    public const int AutocompleteResult = 8;

    public const int MaxAutocompleteChoices = 25;

    /// <summary>Discord's integer option range: -2^53 to 2^53.</summary>
    private const double MaxInteger = 9007199254740992;

    /// <summary>
    /// Type 8 (APPLICATION_COMMAND_AUTOCOMPLETE_RESULT): <c>data.choices</c>, at most 25, each with a name of 1-100 characters
    /// and a value of the focused option's type (a string of at most 100 characters, an integer, a number); a choice may also
    /// carry <c>name_localizations</c>. Null when the answer is fine.
    /// </summary>
    public static string? ValidateAutocompleteResult(JsonNode? data, int optionType)
    {
        if (data is not JsonObject fields || fields["choices"] is not JsonArray choices)
        {
            return "data.choices: required for callback type 8";
        }

        foreach (var (name, _) in fields)
        {
            if (name != "choices")
            {
                return $"data.{name}: not allowed for callback type 8";
            }
        }

        if (choices.Count > MaxAutocompleteChoices)
        {
            return $"data.choices: BASE_TYPE_MAX_LENGTH (at most {MaxAutocompleteChoices}, got {choices.Count})";
        }

        for (var c = 0; c < choices.Count; c++)
        {
            if (choices[c] is not JsonObject choice)
            {
                return $"data.choices.{c}: not an object";
            }

            foreach (var (field, _) in choice)
            {
                if (field is not ("name" or "value" or "name_localizations"))
                {
                    return $"data.choices.{c}.{field}: not a choice field";
                }
            }

            var choiceName = choice["name"] is JsonValue n && n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : null;
            if (choiceName is null or { Length: 0 or > 100 })
            {
                return $"data.choices.{c}.name: BASE_TYPE_BAD_LENGTH (1-100)";
            }

            var value = choice["value"] as JsonValue;
            var kind = value?.GetValueKind();
            var valid = optionType switch
            {
                CommandRules.StringOption => kind == JsonValueKind.String && value!.GetValue<string>().Length <= 100,
                CommandRules.IntegerOption => kind == JsonValueKind.Number && value!.TryGetValue<double>(out var i) && Math.Floor(i) == i && Math.Abs(i) <= MaxInteger,
                CommandRules.NumberOption => kind == JsonValueKind.Number,
                _ => false,
            };
            if (!valid)
            {
                return $"data.choices.{c}.value: does not fit the focused option (type {optionType})";
            }
        }

        return null;
    }

    /// <summary>
    /// Type 5 (deferred message) may only carry <c>data.flags</c>, and the only flag allowed there is EPHEMERAL;
    /// type 6 (deferred update) carries no data. Null when the callback is fine (or not a deferral).
    /// </summary>
    public static string? ValidateDeferral(int type, JsonNode? data)
    {
        if (type is not (5 or 6) || data is null)
        {
            return null;
        }

        if (data is not JsonObject fields)
        {
            return "data: must be an object";
        }

        foreach (var (name, value) in fields)
        {
            if (type == 6 || name != "flags")
            {
                return $"data.{name}: not allowed for callback type {type}";
            }

            if (value is not JsonValue flags || !flags.TryGetValue<long>(out var bits) || (bits & ~(long)Ephemeral) != 0)
            {
                return "data.flags: only EPHEMERAL (64) is allowed when deferring";
            }
        }

        return null;
    }
}
