using System.Text.Json;
using OpsBot.ProxyCore.ToolCalls;
using OpsBot.ProxyCore.Proxy.Upstream;

namespace OpsBot.ProxyCore.Proxy.Chat;

/// <summary>Writes a non-streaming completion with vLLM-only fields removed and recovered tool calls in place.</summary>
internal static class CompletionJsonWriter
{
    public static void Write(Utf8JsonWriter writer, UpstreamCompletion completion)
    {
        writer.WriteStartObject();
        foreach (var property in completion.Root.EnumerateObject())
        {
            if (VllmOnlyFields.IsTopLevel(property.Name))
            {
                continue;
            }

            if (property.NameEquals("choices") && property.Value.ValueKind == JsonValueKind.Array)
            {
                WriteChoices(writer, property.Value, completion.Choices);
            }
            else if (property.NameEquals("usage") && property.Value.ValueKind == JsonValueKind.Object)
            {
                writer.WritePropertyName("usage");
                WriteUsage(writer, property.Value);
            }
            else
            {
                RawJson.Write(writer, property);
            }
        }

        writer.WriteEndObject();
    }

    public static void WriteUsage(Utf8JsonWriter writer, JsonElement usage)
    {
        writer.WriteStartObject();
        foreach (var property in usage.EnumerateObject())
        {
            if (!VllmOnlyFields.IsUsage(property.Name))
            {
                RawJson.Write(writer, property);
            }
        }

        writer.WriteEndObject();
    }

    public static void WriteToolCall(Utf8JsonWriter writer, ExtractedToolCall call, int? index)
    {
        writer.WriteStartObject();
        if (index is { } i)
        {
            writer.WriteNumber("index", i);
        }

        writer.WriteString("id", call.Id);
        writer.WriteString("type", "function");
        writer.WriteStartObject("function");
        writer.WriteString("name", call.Name);
        writer.WriteString("arguments", call.ArgumentsJson);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteChoices(Utf8JsonWriter writer, JsonElement choices, IReadOnlyList<ChoiceOutcome> outcomes)
    {
        writer.WriteStartArray("choices");
        var outcomeIndex = 0;
        foreach (var choice in choices.EnumerateArray())
        {
            if (choice.ValueKind != JsonValueKind.Object)
            {
                RawJson.Write(writer, choice);
                continue;
            }

            WriteChoice(writer, choice, outcomes[outcomeIndex++]);
        }

        writer.WriteEndArray();
    }

    private static void WriteChoice(Utf8JsonWriter writer, JsonElement choice, ChoiceOutcome outcome)
    {
        writer.WriteStartObject();
        foreach (var property in choice.EnumerateObject())
        {
            if (VllmOnlyFields.IsChoice(property.Name))
            {
                continue;
            }

            if (property.NameEquals("message") && property.Value.ValueKind == JsonValueKind.Object)
            {
                WriteMessage(writer, property.Value, outcome);
            }
            else if (property.NameEquals("finish_reason"))
            {
                if (outcome.FinishReason is null) writer.WriteNull("finish_reason"); else writer.WriteString("finish_reason", outcome.FinishReason);
            }
            else
            {
                RawJson.Write(writer, property);
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter writer, JsonElement message, ChoiceOutcome outcome)
    {
        writer.WriteStartObject("message");
        var wroteCalls = false;
        foreach (var property in message.EnumerateObject())
        {
            if (VllmOnlyFields.IsMessage(property.Name))
            {
                continue;
            }

            if (property.NameEquals("content"))
            {
                if (outcome.Content is null) writer.WriteNull("content"); else writer.WriteString("content", outcome.Content);
            }
            else if (property.NameEquals("tool_calls"))
            {
                // An empty list confuses clients that branch on the key's presence.
                wroteCalls = WriteCalls(writer, outcome.ToolCalls);
            }
            else
            {
                RawJson.Write(writer, property);
            }
        }

        if (!wroteCalls)
        {
            WriteCalls(writer, outcome.ToolCalls);
        }

        writer.WriteEndObject();
    }

    private static bool WriteCalls(Utf8JsonWriter writer, IReadOnlyList<ExtractedToolCall> calls)
    {
        if (calls.Count == 0)
        {
            return false;
        }

        writer.WriteStartArray("tool_calls");
        foreach (var call in calls)
        {
            WriteToolCall(writer, call, index: null);
        }

        writer.WriteEndArray();
        return true;
    }
}
