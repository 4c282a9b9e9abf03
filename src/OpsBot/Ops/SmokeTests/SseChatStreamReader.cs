using System.Text;
using System.Text.Json;

namespace OpsBot.Ops.SmokeTests;

/// <summary>
/// Reads an OpenAI-style chat completion SSE stream to its end: every <c>data:</c> event must be
/// JSON until <c>data: [DONE]</c>; an <c>error</c> object mid-stream is reported.
/// </summary>
public static class SseChatStreamReader
{
    public static async Task<SseChatSummary> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var content = new StringBuilder();
        var toolNames = new SortedDictionary<int, string>();
        var toolArgs = new SortedDictionary<int, StringBuilder>();
        var chunks = 0;
        string? finish = null;
        string? error = null;
        var sawDone = false;

        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal))
            {
                continue;
            }

            var data = line[5..].Trim();
            if (data == "[DONE]")
            {
                sawDone = true;
                break;
            }

            if (sawDone)
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(data);
                chunks++;
                var root = document.RootElement;
                if (root.TryGetProperty("error", out var err))
                {
                    error = err.ValueKind == JsonValueKind.Object && err.TryGetProperty("message", out var m) ? m.GetString() : err.ToString();
                    continue;
                }

                if (!root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var choice in choices.EnumerateArray())
                {
                    if (choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String)
                    {
                        finish = f.GetString();
                    }

                    if (!choice.TryGetProperty("delta", out var delta) || delta.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    if (delta.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String)
                    {
                        content.Append(c.GetString());
                    }

                    if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var call in calls.EnumerateArray())
                        {
                            var index = call.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) ? n : 0;
                            if (call.TryGetProperty("function", out var fn) && fn.ValueKind == JsonValueKind.Object)
                            {
                                if (fn.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                                {
                                    toolNames[index] = name.GetString()!;
                                }

                                if (fn.TryGetProperty("arguments", out var args) && args.ValueKind == JsonValueKind.String)
                                {
                                    (toolArgs.TryGetValue(index, out var sb) ? sb : toolArgs[index] = new StringBuilder()).Append(args.GetString());
                                }
                            }
                        }
                    }
                }
            }
            catch (JsonException ex)
            {
                error ??= $"event {chunks + 1} is not JSON: {ex.Message}";
            }
        }

        var toolCalls = toolNames.Keys.Union(toolArgs.Keys)
            .Select(i => $"{toolNames.GetValueOrDefault(i, "?")}({toolArgs.GetValueOrDefault(i)?.ToString() ?? ""})")
            .ToArray();
        return new SseChatSummary(sawDone, chunks, content.ToString(), toolCalls, finish, error);
    }
}
