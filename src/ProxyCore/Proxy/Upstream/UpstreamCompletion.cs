using System.Text.Json;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Proxy.Upstream;

/// <summary>
/// A non-streaming vLLM chat completion, read once: the per-choice outcomes (tool calls recovered
/// from text when the request had tools) and the usage figures.
/// </summary>
internal sealed record UpstreamCompletion(JsonElement Root, IReadOnlyList<ChoiceOutcome> Choices, int? PromptTokens, int? CompletionTokens)
{
    public static UpstreamCompletion Read(JsonElement root, ToolCatalog tools)
    {
        var outcomes = new List<ChoiceOutcome>(1);
        if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array)
        {
            var position = 0;
            foreach (var choice in choices.EnumerateArray())
            {
                if (choice.ValueKind == JsonValueKind.Object)
                {
                    outcomes.Add(ReadChoice(choice, position, tools));
                }

                position++;
            }
        }

        int? prompt = null, completion = null;
        if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            prompt = ReadInt(usage, "prompt_tokens");
            completion = ReadInt(usage, "completion_tokens");
        }

        return new UpstreamCompletion(root, outcomes, prompt, completion);
    }

    /// <summary>
    /// The "No reply from agent" answer: nothing to show, no content and no tool calls. Whatever the token count: vLLM
    /// reports the failure as an immediate end of sequence, <c>completion_tokens: 1</c> (the EOS, counted, not rendered);
    /// 0 does not normally occur (docs/vllm-behaviour.md).
    /// </summary>
    public bool IsEmpty => Choices.All(c => c.IsEmpty);

    /// <summary>This answer with every choice's text replaced by <paramref name="content"/> (finish "stop"), its usage kept.</summary>
    public UpstreamCompletion WithContent(string content) =>
        this with { Choices = [.. Choices.Select(c => c with { Content = content, ToolCalls = [], FinishReason = "stop", Format = null })] };

    public int ToolCallCount => Choices.Sum(c => c.ToolCalls.Count);

    public int ContentLength => Choices.Sum(c => c.Content?.Length ?? 0);

    public ToolCallFormat? Format => Choices.Select(c => c.Format).FirstOrDefault(f => f is not null);

    private static ChoiceOutcome ReadChoice(JsonElement choice, int position, ToolCatalog tools)
    {
        var index = ReadInt(choice, "index") ?? position;
        string? finish = choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        string? content = null;
        var native = new List<ExtractedToolCall>();

        if (choice.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object)
        {
            if (message.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String)
            {
                content = c.GetString();
            }

            if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                foreach (var call in calls.EnumerateArray())
                {
                    if (ReadNativeCall(call) is { } parsed)
                    {
                        native.Add(parsed);
                    }
                }
            }
        }

        if (native.Count > 0)
        {
            return new ChoiceOutcome(index, content, native, finish, ToolCallFormat.Native);
        }

        if (tools.Count > 0 && !string.IsNullOrEmpty(content))
        {
            var extraction = ToolCallExtractor.Extract(content, tools);
            if (extraction.Found)
            {
                return new ChoiceOutcome(index, extraction.Content, extraction.Calls, "tool_calls", extraction.Format);
            }
        }

        return new ChoiceOutcome(index, content, [], finish, null);
    }

    private static ExtractedToolCall? ReadNativeCall(JsonElement call)
    {
        if (call.ValueKind != JsonValueKind.Object
            || !call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
            || !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var id = call.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String && i.GetString() is { Length: > 0 } s ? s : ToolCallIds.New();
        var arguments = function.TryGetProperty("arguments", out var a)
            ? a.ValueKind switch
            {
                JsonValueKind.String => a.GetString() is { Length: > 0 } text ? text : "{}",
                JsonValueKind.Object => a.GetRawText(),
                _ => "{}",
            }
            : "{}";
        return new ExtractedToolCall(id, name.GetString()!, arguments);
    }

    private static int? ReadInt(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : null;
}
