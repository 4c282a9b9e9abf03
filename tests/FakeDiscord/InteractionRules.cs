using System.Text.Json.Nodes;

namespace OpsBot.FakeDiscord;

/// <summary>Discord's checks on the deferred callback types, which carry no message.</summary>
public static class InteractionRules
{
    public const int Ephemeral = 1 << 6;

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
