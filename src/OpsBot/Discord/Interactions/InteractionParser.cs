using System.Globalization;
using System.Text.Json;

namespace OpsBot.Discord.Interactions;

/// <summary>
/// Tolerant parsing of Discord's interaction object: unknown fields are ignored, absent and null are the same, snowflakes
/// are strings. Only id, token and type are mandatory, because without them the interaction cannot even be answered.
/// </summary>
public static class InteractionParser
{
    public static bool TryParse(JsonElement json, out Interaction? interaction, out string? error)
    {
        interaction = null;
        error = null;
        if (json.ValueKind != JsonValueKind.Object)
        {
            error = "interaction is not a JSON object";
            return false;
        }

        if (Snowflake(json, "id") is not { } id)
        {
            error = "interaction has no id";
            return false;
        }

        if (String(json, "token") is not { Length: > 0 } token)
        {
            error = "interaction has no token";
            return false;
        }

        if (!json.TryGetProperty("type", out var typeElement) || !typeElement.TryGetInt32(out var type))
        {
            error = "interaction has no type";
            return false;
        }

        var member = Object(json, "member");
        var userElement = member is { } m ? Object(m, "user") : Object(json, "user");
        var user = userElement is { } u && Snowflake(u, "id") is { } userId
            ? new InteractionUser(userId, String(u, "username") ?? userId.ToString(CultureInfo.InvariantCulture))
            : new InteractionUser(0, "unknown");

        var roles = new List<ulong>();
        if (member is { } memberElement && memberElement.TryGetProperty("roles", out var rolesElement) && rolesElement.ValueKind == JsonValueKind.Array)
        {
            foreach (var role in rolesElement.EnumerateArray())
            {
                if (role.ValueKind == JsonValueKind.String && ulong.TryParse(role.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var roleId))
                {
                    roles.Add(roleId);
                }
            }
        }

        var data = InteractionData.Empty;
        if (Object(json, "data") is { } dataElement)
        {
            data = new InteractionData(
                String(dataElement, "name"),
                Snowflake(dataElement, "id"),
                ParseOptions(dataElement),
                String(dataElement, "custom_id"),
                dataElement.TryGetProperty("component_type", out var ct) && ct.TryGetInt32(out var componentType) ? componentType : null);
        }

        var messageId = Object(json, "message") is { } message ? Snowflake(message, "id") : null;
        interaction = new Interaction(
            id,
            Snowflake(json, "application_id") ?? 0,
            (InteractionType)type,
            token,
            Snowflake(json, "guild_id"),
            Snowflake(json, "channel_id") ?? (Object(json, "channel") is { } channel ? Snowflake(channel, "id") : null),
            user,
            roles,
            data,
            messageId);
        return true;
    }

    private static List<InteractionOption> ParseOptions(JsonElement parent)
    {
        var result = new List<InteractionOption>();
        if (!parent.TryGetProperty("options", out var options) || options.ValueKind != JsonValueKind.Array)
        {
            return result;
        }

        foreach (var option in options.EnumerateArray())
        {
            if (option.ValueKind != JsonValueKind.Object || String(option, "name") is not { } name)
            {
                continue;
            }

            var type = option.TryGetProperty("type", out var t) && t.TryGetInt32(out var typeValue) ? (ApplicationCommandOptionType)typeValue : 0;
            JsonElement? value = option.TryGetProperty("value", out var v) && v.ValueKind != JsonValueKind.Null ? v.Clone() : null;
            var focused = option.TryGetProperty("focused", out var f) && f.ValueKind == JsonValueKind.True;
            result.Add(new InteractionOption(name, type, value, ParseOptions(option), focused));
        }

        return result;
    }

    private static JsonElement? Object(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static string? String(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static ulong? Snowflake(JsonElement parent, string name) =>
        String(parent, name) is { } text && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}
