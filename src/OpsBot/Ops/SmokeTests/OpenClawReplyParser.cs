using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OpsBot.Ops.SmokeTests;

/// <summary>
/// Parses the stdout of <c>openclaw agent --local --json</c>. OpenClaw 2026.9.x prints log lines
/// before the JSON document, so the document is the first line starting with '{' that parses.
/// </summary>
public static partial class OpenClawReplyParser
{
    public static OpenClawReply Parse(string stdout)
    {
        var text = AnsiEscape().Replace(stdout, "");
        var lines = text.Split('\n');
        var offset = 0;
        foreach (var line in lines)
        {
            if (line.StartsWith('{') && TryParseDocument(text.AsSpan(offset), out var reply))
            {
                return reply;
            }

            offset += line.Length + 1;
        }

        // Plain mode: drop log lines ("[agent] …", "12:00:01 [info] …") the way a reader would skip them.
        var plain = string.Join("\n", lines
            .Select(l => l.TrimEnd('\r'))
            .Where(l => l.Trim().Length > 0 && !LogLine().IsMatch(l)));
        return new OpenClawReply(false, [], new Dictionary<string, double>(), plain.Trim());
    }

    private static bool TryParseDocument(ReadOnlySpan<char> candidate, out OpenClawReply reply)
    {
        reply = null!;
        var bytes = Encoding.UTF8.GetBytes(candidate.ToArray());
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!JsonDocument.TryParseValue(ref reader, out var document))
            {
                return false;
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return false;
                }

                var texts = new List<string>();
                if (root.TryGetProperty("payloads", out var payloads) && payloads.ValueKind == JsonValueKind.Array)
                {
                    foreach (var payload in payloads.EnumerateArray())
                    {
                        if (payload.ValueKind == JsonValueKind.Object
                            && payload.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                        {
                            texts.Add(t.GetString()!);
                        }
                    }
                }
                else if (!root.TryGetProperty("meta", out _))
                {
                    // Some other JSON object (e.g. a structured log line), not the agent result.
                    return false;
                }

                var usage = new Dictionary<string, double>(StringComparer.Ordinal);
                if (root.TryGetProperty("meta", out var meta) && meta.ValueKind == JsonValueKind.Object
                    && meta.TryGetProperty("agentMeta", out var agentMeta) && agentMeta.ValueKind == JsonValueKind.Object
                    && agentMeta.TryGetProperty("lastCallUsage", out var last) && last.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in last.EnumerateObject())
                    {
                        if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetDouble(out var number))
                        {
                            usage[property.Name] = number;
                        }
                    }
                }

                reply = new OpenClawReply(true, texts, usage, "");
                return true;
            }
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*[A-Za-z]")]
    private static partial Regex AnsiEscape();

    [GeneratedRegex(@"^\s*(\d{1,2}:\d{2}(:\d{2})?(\.\d+)?\s+)?\[[^\]]+\]|^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")]
    private static partial Regex LogLine();
}
