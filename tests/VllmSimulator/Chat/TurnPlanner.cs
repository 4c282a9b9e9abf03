using System.Text;
using System.Text.Json;

namespace OpsBot.VllmSimulator.Chat;

/// <summary>Turns an answer into the engine steps vLLM v0.15 (legacy qwen3_coder parser) would produce.</summary>
internal static class TurnPlanner
{
    public static TurnPlan ForText(TextAnswer answer, int? maxTokens)
    {
        var deltas = new List<PlannedDelta>();
        TokenSplitter.Split(answer.Content.AsMemory(), deltas);
        var content = answer.Content;
        var finishReason = answer.FinishReason;

        // Generation stops at max_tokens like the engine does, unless the test pinned the token count itself.
        if (answer.CompletionTokens is null && maxTokens is { } limit && limit >= 0 && deltas.Count > limit)
        {
            deltas.RemoveRange(limit, deltas.Count - limit);
            content = limit == 0 ? string.Empty : answer.Content[..LengthOf(deltas)];
            finishReason = "length";
        }

        return new TurnPlan
        {
            Deltas = deltas,
            Content = content,
            ToolCalls = [],
            FinishReason = finishReason,
            CompletionTokens = answer.CompletionTokens ?? deltas.Count,
        };
    }

    public static TurnPlan ForToolCalls(ToolCallsAnswer answer, bool currentShape)
    {
        var deltas = new List<PlannedDelta>();
        if (!string.IsNullOrEmpty(answer.Preamble))
        {
            TokenSplitter.Split(answer.Preamble.AsMemory(), deltas);
        }

        var calls = new List<PlannedToolCall>(answer.Calls.Count);
        var builder = new StringBuilder();
        for (var index = 0; index < answer.Calls.Count; index++)
        {
            var call = answer.Calls[index];
            var callId = "call_" + Ids.Hex(24);

            // "<tool_call>\n<function=NAME>\n" is several tokens before the header can be emitted.
            var headerTokens = 4 + (call.Name.Length / 4);
            builder.Clear();
            if (TryParseObject(call.ArgumentsJson) is { } arguments)
            {
                using (arguments)
                {
                    var firstFragment = currentShape ? "{" : string.Empty;
                    deltas.Add(new PlannedDelta(DeltaKind.ToolHeader, firstFragment.AsMemory(), headerTokens, index, callId, call.Name));
                    if (!currentShape)
                    {
                        deltas.Add(new PlannedDelta(DeltaKind.ToolArguments, "{".AsMemory(), 1, index));
                    }

                    builder.Append('{');
                    var first = true;
                    foreach (var parameter in arguments.RootElement.EnumerateObject())
                    {
                        // The legacy parser emits each parameter only once its value is complete (#30439).
                        var fragmentStart = builder.Length;
                        if (!first)
                        {
                            builder.Append(", ");
                        }

                        first = false;
                        PythonJson.WriteString(parameter.Name, builder);
                        builder.Append(": ");
                        PythonJson.Write(parameter.Value, builder);
                        var fragment = builder.ToString(fragmentStart, builder.Length - fragmentStart);
                        var tokens = 6 + (fragment.Length / 4);
                        deltas.Add(new PlannedDelta(DeltaKind.ToolArguments, fragment.AsMemory(), tokens, index));
                    }

                    builder.Append('}');
                    deltas.Add(new PlannedDelta(DeltaKind.ToolArguments, "}".AsMemory(), 3, index));
                    calls.Add(new PlannedToolCall(call.Name, builder.ToString()));
                }
            }
            else
            {
                // Not an object: the test wants broken arguments, so send them exactly as given.
                deltas.Add(new PlannedDelta(DeltaKind.ToolHeader, string.Empty.AsMemory(), headerTokens, index, callId, call.Name));
                deltas.Add(new PlannedDelta(DeltaKind.ToolArguments, call.ArgumentsJson.AsMemory(), 1 + (call.ArgumentsJson.Length / 4), index));
                calls.Add(new PlannedToolCall(call.Name, call.ArgumentsJson));
            }
        }

        var completionTokens = 0;
        foreach (var delta in deltas)
        {
            completionTokens += delta.Tokens;
        }

        return new TurnPlan
        {
            Deltas = deltas,
            Content = string.IsNullOrEmpty(answer.Preamble) ? null : answer.Preamble,
            ToolCalls = calls,
            FinishReason = calls.Count > 0 ? "tool_calls" : "stop",
            CompletionTokens = answer.CompletionTokens ?? completionTokens,
        };
    }

    private static int LengthOf(List<PlannedDelta> deltas)
    {
        // The splitter's deltas tile the text from offset 0, so the kept prefix is the sum of their lengths.
        var length = 0;
        foreach (var delta in deltas)
        {
            length += delta.Text.Length;
        }

        return length;
    }

    private static JsonDocument? TryParseObject(string json)
    {
        try
        {
            var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
