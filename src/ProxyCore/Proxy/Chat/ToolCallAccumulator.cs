using System.Text;
using System.Text.Json;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Proxy.Chat;

/// <summary>
/// Reassembles vLLM's streamed <c>tool_calls</c> deltas by index and checks the result, because
/// v0.15's qwen3_coder streaming has known bugs (docs/vllm-formats.md, "Streaming tool calls, and how v0.15 breaks them"): finish deltas without
/// id/name, double-encoded arguments, <c>{}</c> arguments with multi-token steps.
/// </summary>
internal sealed class ToolCallAccumulator
{
    private readonly SortedDictionary<int, Entry> _calls = new();

    public int Count => _calls.Count;

    public void Add(JsonElement toolCalls)
    {
        foreach (var delta in toolCalls.EnumerateArray())
        {
            if (delta.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var index = delta.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) ? n : _calls.Count == 0 ? 0 : _calls.Keys.Max();
            if (!_calls.TryGetValue(index, out var entry))
            {
                entry = new Entry();
                _calls[index] = entry;
            }

            // The first delta that has id/name wins; later ones (#31437 finish delta) may lack them.
            if (entry.Id is null && delta.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } idText)
            {
                entry.Id = idText;
            }

            if (delta.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
            {
                if (entry.Name is null && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } nameText)
                {
                    entry.Name = nameText;
                }

                if (function.TryGetProperty("arguments", out var arguments) && arguments.ValueKind == JsonValueKind.String)
                {
                    entry.Arguments.Append(arguments.GetString());
                }
            }
        }
    }

    /// <summary>
    /// The calls as they will be sent, or null when any of them cannot be trusted (unknown name,
    /// arguments that are not a JSON object even after repair, or <c>{}</c> for a tool with required
    /// parameters): the caller then asks vLLM again without streaming.
    /// </summary>
    public IReadOnlyList<ExtractedToolCall>? Complete(ToolCatalog tools)
    {
        var result = new List<ExtractedToolCall>(_calls.Count);
        foreach (var entry in _calls.Values)
        {
            if (entry.Name is null || (tools.Count > 0 && !tools.Contains(entry.Name)))
            {
                return null;
            }

            if (ToolArgumentsCheck.Normalize(entry.Arguments.ToString(), entry.Name, tools) is not { } arguments)
            {
                return null;
            }

            result.Add(new ExtractedToolCall(entry.Id ?? ToolCallIds.New(), entry.Name, arguments));
        }

        return result;
    }

    private sealed class Entry
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public StringBuilder Arguments { get; } = new();
    }
}
