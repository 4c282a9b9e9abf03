using System.Text.Json;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Proxy.Chat;

/// <summary>Validates tool-call arguments assembled from vLLM's streamed deltas.</summary>
internal static class ToolArgumentsCheck
{
    /// <returns>
    /// A JSON object text to send, or null when the arguments cannot be trusted: not an object, or
    /// <c>{}</c>/missing keys where the schema requires parameters (the v0.15 multi-token bug yields <c>{}</c>).
    /// </returns>
    public static string? Normalize(string text, string toolName, ToolCatalog tools)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            // Zero-argument calls stream "" on some servers: that is "{}".
            text = "{}";
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.String)
            {
                // Double-encoded by the serving layer (PR #35421): the string holds the object.
                return Normalize(root.GetString()!, toolName, tools) is { } inner && inner != "{}" ? inner : null;
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (var parameter in tools.GetRequiredParameters(toolName))
            {
                if (!root.TryGetProperty(parameter, out _))
                {
                    return null;
                }
            }

            return text;
        }
    }
}
