using System.Text;
using System.Text.Json;

namespace OpsBot.VllmSimulator.Chat;

/// <summary>
/// Plans a turn with native tool calls as vLLM v0.15 renders it (legacy qwen3_coder parser: docs/vllm-formats.md and docs/vllm-behaviour.md):
/// the streamed event sequence (including the event loss of multi-token steps), the non-streaming message, the
/// effect of <c>tool_choice</c>, and <c>max_tokens</c> cutting the generation inside a call.
/// </summary>
internal static class ToolCallPlanner
{
    // "<tool_call>\n<function=NAME>\n" is several tokens before the header can be emitted; a parameter costs its
    // tags plus about one token per four chars of its rendering.
    private const int ParameterTagTokens = 6;
    private const int CloseTokens = 3;

    public static TurnPlan Plan(ToolCallsAnswer answer, bool currentShape, int? maxTokens, ToolChoice choice)
    {
        if (choice.Mode == ToolChoiceMode.None)
        {
            // No parser runs: the model's XML stays in content, finish_reason stop.
            return TurnPlanner.ForText(new TextAnswer(QwenXml.Render(answer.Preamble, answer.Calls), "stop", answer.CompletionTokens), maxTokens);
        }

        var steps = new List<Step>();
        if (!string.IsNullOrEmpty(answer.Preamble))
        {
            var prose = new List<PlannedDelta>();
            TokenSplitter.Split(answer.Preamble.AsMemory(), prose);
            steps.AddRange(prose.Select(d => new Step(d, -1, null, null)));
        }

        var calls = new List<CallSource>(answer.Calls.Count);
        for (var index = 0; index < answer.Calls.Count; index++)
        {
            calls.Add(AddCall(answer.Calls[index], index, currentShape, answer.MultiTokenDeltas, steps));
        }

        var budget = answer.CompletionTokens is null && maxTokens is { } limit ? limit : int.MaxValue;
        var kept = 0;
        var used = 0;
        while (kept < steps.Count && used + steps[kept].Delta.Tokens <= budget)
        {
            used += steps[kept++].Delta.Tokens;
        }

        var truncated = kept < steps.Count;
        var cut = truncated ? steps[kept] : null;
        var headers = steps.Take(kept).Count(s => s.Delta.Kind == DeltaKind.ToolHeader);
        var deltas = steps.Take(kept).Where(s => !s.Silent).Select(s => s.Delta).ToList();

        // The non-streaming parser reads the (possibly cut) text: complete parameters, plus whatever of a string value
        // was generated before the cut; an unclosed block still parses.
        var parsed = new List<PlannedToolCall>(headers);
        for (var index = 0; index < headers; index++)
        {
            parsed.Add(calls[index].Render(index, steps.Take(kept), cut?.Call == index ? cut : null, budget - used));
        }

        var preambleSteps = steps.Take(kept).Where(s => s.Call < 0).ToList();
        var content = preambleSteps.Count == 0 ? null : string.Concat(preambleSteps.Select(s => s.Delta.Text.ToString()));
        var finishReason = (parsed.Count, choice.Mode, truncated) switch
        {
            (0, _, true) => "length",
            (0, _, false) => "stop",

            // A named choice keeps the engine's reason; auto and required report tool_calls even when cut by length.
            (_, ToolChoiceMode.Named, true) => "length",
            (_, ToolChoiceMode.Named, false) => "stop",
            _ => "tool_calls",
        };

        return new TurnPlan
        {
            Deltas = deltas,
            Content = content,
            ToolCalls = parsed,
            FinishReason = finishReason,
            // A cut generation used its whole budget, including the tokens of the step it did not finish.
            CompletionTokens = answer.CompletionTokens ?? (truncated ? budget : used),
        };
    }

    private static CallSource AddCall(SimulatedToolCall call, int index, bool currentShape, MultiTokenDeltas loss, List<Step> steps)
    {
        var callId = "call_" + Ids.Hex(24);
        var headerTokens = 4 + (call.Name.Length / 4);
        var arguments = TryParseObject(call.ArgumentsJson);
        if (arguments is null)
        {
            // Not an object: the test wants broken arguments, so send them exactly as given.
            steps.Add(new Step(new PlannedDelta(DeltaKind.ToolHeader, string.Empty.AsMemory(), headerTokens, index, callId, call.Name), index, null, null));
            steps.Add(new Step(new PlannedDelta(DeltaKind.ToolArguments, call.ArgumentsJson.AsMemory(), 1 + (call.ArgumentsJson.Length / 4), index), index, null, null));
            return new CallSource(call.Name, call.ArgumentsJson, []);
        }

        var braceInHeader = currentShape || loss == MultiTokenDeltas.HeaderAndBraceCollapsed;
        steps.Add(new Step(new PlannedDelta(DeltaKind.ToolHeader, (braceInHeader ? "{" : string.Empty).AsMemory(), headerTokens, index, callId, call.Name), index, null, null));
        if (!braceInHeader)
        {
            steps.Add(new Step(new PlannedDelta(DeltaKind.ToolArguments, "{".AsMemory(), 1, index), index, null, null));
        }

        var parameters = new List<(string Name, JsonElement Value)>();
        var builder = new StringBuilder("{");
        foreach (var parameter in arguments.Value.EnumerateObject())
        {
            // The legacy parser emits each parameter only once its value is complete (#30439).
            var fragmentStart = builder.Length;
            if (parameters.Count > 0)
            {
                builder.Append(", ");
            }

            PythonJson.WriteString(parameter.Name, builder);
            builder.Append(": ");
            PythonJson.Write(parameter.Value, builder);
            var fragment = builder.ToString(fragmentStart, builder.Length - fragmentStart);
            var tokens = ParameterTagTokens + (fragment.Length / 4);
            steps.Add(new Step(new PlannedDelta(DeltaKind.ToolArguments, fragment.AsMemory(), tokens, index), index, parameter.Name, parameter.Value)
            {
                Silent = loss == MultiTokenDeltas.ParametersSkipped,
            });
            parameters.Add((parameter.Name, parameter.Value));
        }

        builder.Append('}');
        var full = builder.ToString();
        steps.Add(new Step(new PlannedDelta(DeltaKind.ToolArguments, "}".AsMemory(), CloseTokens, index), index, null, null));
        if (loss == MultiTokenDeltas.DoubleEncodedArgumentsAppended)
        {
            var doubled = new StringBuilder();
            PythonJson.WriteString(full, doubled);
            steps.Add(new Step(new PlannedDelta(DeltaKind.ToolArguments, doubled.ToString().AsMemory(), 0, index), index, null, null));
        }

        return new CallSource(call.Name, full, parameters);
    }

    private static JsonElement? TryParseObject(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>One engine step; argument steps remember the parameter they complete.</summary>
    private sealed record Step(PlannedDelta Delta, int Call, string? Parameter, JsonElement? Value)
    {
        /// <summary>A step whose event is lost (multi-token step): it costs tokens but sends nothing.</summary>
        public bool Silent { get; init; }
    }

    private sealed record CallSource(string Name, string FullArguments, List<(string Name, JsonElement Value)> Parameters)
    {
        public PlannedToolCall Render(int index, IEnumerable<Step> kept, Step? cut, int tokensLeft)
        {
            var complete = kept.Count(s => s.Call == index && s.Parameter is not null);
            if (Parameters.Count == 0 || (complete == Parameters.Count && cut is null))
            {
                return new PlannedToolCall(Name, FullArguments);
            }

            var builder = new StringBuilder("{");
            for (var i = 0; i < complete; i++)
            {
                Append(builder, i, Parameters[i].Name, Parameters[i].Value, null);
            }

            if (cut?.Parameter is { } name && cut.Value is { ValueKind: JsonValueKind.String } value)
            {
                var generated = Math.Clamp((tokensLeft - ParameterTagTokens) * 4, 0, value.GetString()!.Length);
                Append(builder, complete, name, value, value.GetString()![..generated]);
            }

            return new PlannedToolCall(Name, builder.Append('}').ToString());
        }

        private static void Append(StringBuilder builder, int position, string name, JsonElement value, string? partial)
        {
            if (position > 0)
            {
                builder.Append(", ");
            }

            PythonJson.WriteString(name, builder);
            builder.Append(": ");
            if (partial is null)
            {
                PythonJson.Write(value, builder);
            }
            else
            {
                PythonJson.WriteString(partial, builder);
            }
        }
    }
}
