using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpsBot.OpenClaw.E2E.Infrastructure;

/// <summary>
/// The document <c>openclaw agent --json</c> prints: <c>payloads[].text</c> is what the user gets,
/// <c>meta.agentMeta.lastCallUsage</c> the token usage of the last model call.
/// </summary>
public sealed record OpenClawJsonReply(JsonObject Document)
{
    public IReadOnlyList<string> PayloadTexts =>
        (Document["payloads"] as JsonArray ?? [])
            .Select(p => p?["text"]?.GetValue<string>())
            .OfType<string>()
            .ToList();

    public JsonObject? LastCallUsage => Document["meta"]?["agentMeta"]?["lastCallUsage"] as JsonObject;

    public long? LastCallTotalTokens => Number(LastCallUsage?["total"]);

    public long? LastCallOutputTokens => Number(LastCallUsage?["output"]);

    /// <summary>Finds the first line that starts a JSON object and reads exactly one value from there.</summary>
    public static OpenClawJsonReply Parse(string stdout)
    {
        var bytes = Encoding.UTF8.GetBytes(stdout);
        var start = 0;
        while (start < bytes.Length)
        {
            if (bytes[start] == (byte)'{' && (start == 0 || bytes[start - 1] == (byte)'\n')
                && TryReadObject(bytes.AsSpan(start), out var document))
            {
                return new OpenClawJsonReply(document);
            }

            var next = Array.IndexOf(bytes, (byte)'\n', start);
            if (next < 0)
            {
                break;
            }

            start = next + 1;
        }

        throw new FormatException($"No JSON document in openclaw --json output:{Environment.NewLine}{stdout}");
    }

    private static bool TryReadObject(ReadOnlySpan<byte> json, out JsonObject document)
    {
        document = null!;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = false });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject || !reader.TrySkip())
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }

        document = (JsonObject)JsonNode.Parse(json[..(int)reader.BytesConsumed])!;
        return true;
    }

    private static long? Number(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<long>(out var number) ? number : null;
}
