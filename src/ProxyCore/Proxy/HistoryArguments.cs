using System.Text.Json;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>
/// vLLM runs an unguarded <c>json.loads</c> on history tool-call arguments and its template needs a
/// mapping (FORMATS.md §1.7): anything else is a 400 that agents then loop on.
/// </summary>
internal static class HistoryArguments
{
    /// <returns>Replacement arguments text, or null when <paramref name="text"/> is already a JSON object.</returns>
    public static string? Repair(string text)
    {
        if (IsObject(text))
        {
            return null;
        }

        return string.IsNullOrWhiteSpace(text) ? "{}" : "{}";
    }

    private static bool IsObject(string text)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text));
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
