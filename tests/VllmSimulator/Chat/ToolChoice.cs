using System.Text.Json;

namespace OpsBot.VllmSimulator.Chat;

internal enum ToolChoiceMode
{
    /// <summary>Default with tools: the qwen3_coder parser reads the generated text.</summary>
    Auto,

    /// <summary>No parsing at all: whatever the model wrote stays in <c>content</c>.</summary>
    None,

    /// <summary>Guided decoding of a call list: calls are reported, finish_reason <c>tool_calls</c>.</summary>
    Required,

    /// <summary>Guided decoding of one function's arguments: the call is reported, finish_reason stays <c>stop</c>.</summary>
    Named,
}

/// <summary>The request's <c>tool_choice</c> as vLLM v0.15 reads it (docs/vllm-behaviour.md, "tool_choice").</summary>
internal sealed record ToolChoice(ToolChoiceMode Mode, string? Name = null)
{
    private const string CorrectUsage = "Correct usage: `{\"type\": \"function\", \"function\": {\"name\": \"my_function\"}}`";

    public static readonly ToolChoice Auto = new(ToolChoiceMode.Auto);

    /// <summary>Reads <c>tool_choice</c>; returns the pydantic validator's message when vLLM would answer 400.</summary>
    public static ToolChoice Read(JsonElement root, out string? rejection)
    {
        rejection = null;
        var hasTools = root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array;
        if (!root.TryGetProperty("tool_choice", out var choice) || choice.ValueKind == JsonValueKind.Null)
        {
            // Without tools vLLM runs no parser either, but a scripted ToolCalls answer is what the parser produced:
            // serve it as scripted rather than second-guess the test.
            return Auto;
        }

        if (choice.ValueKind == JsonValueKind.String && choice.ValueEquals("none"))
        {
            return new ToolChoice(ToolChoiceMode.None);
        }

        if (!hasTools)
        {
            rejection = "When using `tool_choice`, `tools` must be set.";
            return Auto;
        }

        if (choice.ValueKind == JsonValueKind.String)
        {
            if (choice.ValueEquals("auto"))
            {
                return Auto;
            }

            if (choice.ValueEquals("required"))
            {
                return new ToolChoice(ToolChoiceMode.Required);
            }

            rejection = $"Input should be 'none', 'auto' or 'required' or an object: got '{choice.GetString()}'";
            return Auto;
        }

        if (choice.ValueKind != JsonValueKind.Object
            || !choice.TryGetProperty("function", out var function)
            || function.ValueKind != JsonValueKind.Object)
        {
            rejection = $"Invalid value for `function` in `tool_choice`! {CorrectUsage}";
            return Auto;
        }

        if (!function.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String || nameElement.GetString()!.Length == 0)
        {
            rejection = $"Expected field `name` in `function` in `tool_choice`! {CorrectUsage}";
            return Auto;
        }

        var name = nameElement.GetString()!;
        foreach (var tool in tools.EnumerateArray())
        {
            if (tool.ValueKind == JsonValueKind.Object
                && tool.TryGetProperty("function", out var declared)
                && declared.ValueKind == JsonValueKind.Object
                && declared.TryGetProperty("name", out var declaredName)
                && declaredName.ValueKind == JsonValueKind.String
                && declaredName.ValueEquals(name))
            {
                return new ToolChoice(ToolChoiceMode.Named, name);
            }
        }

        rejection = "The tool specified in `tool_choice` does not match any of the specified `tools`";
        return Auto;
    }
}
