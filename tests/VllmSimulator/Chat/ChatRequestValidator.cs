using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OpsBot.VllmSimulator.Chat;

/// <summary>
/// The checks vLLM v0.15 runs before generating, in its order: media type and JSON decoding (FastAPI),
/// pydantic validators, served-model check, history rendering, then token limits.
/// </summary>
internal sealed class ChatRequestValidator(string modelName, int maxModelLen)
{
    public ChatRequestRejection? Validate(string? contentType, ReadOnlyMemory<byte> body, string? requestIdHeader, out ChatRequestInfo? info)
    {
        info = null;
        if (contentType is null || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return new(400, ErrorBodies.Validation("Unsupported Media Type: Only 'application/json' is allowed"));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return new(400, ErrorBodies.Validation(
                "[{'type': 'json_invalid', 'loc': ('body', 0), 'msg': 'JSON decode error', 'input': {}, 'ctx': {'error': 'Expecting value'}}]"));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new(400, ErrorBodies.Validation(
                    "[{'type': 'model_attributes_type', 'loc': ('body',), 'msg': 'Input should be a valid dictionary or object to extract fields from', 'input': " + Repr(root) + "}]"));
            }

            if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            {
                return new(400, ErrorBodies.Validation(
                    "[{'type': 'missing', 'loc': ('body', 'messages'), 'msg': 'Field required', 'input': " + Repr(root) + "}]"));
            }

            var stream = root.TryGetProperty("stream", out var streamElement) && streamElement.ValueKind == JsonValueKind.True;
            var hasStreamOptions = root.TryGetProperty("stream_options", out var streamOptions)
                && streamOptions.ValueKind == JsonValueKind.Object;

            // Only a non-empty object trips the validator; null and {} pass (docs/vllm-behaviour.md, "Request checks").
            if (!stream && hasStreamOptions && streamOptions.EnumerateObject().Any())
            {
                const string Reason = "Stream options can only be defined when `stream=True`.";
                return new(400, ErrorBodies.Validation(
                    $"[{{'type': 'value_error', 'loc': ('body',), 'msg': 'Value error, {Reason}', 'input': {Repr(root)}, 'ctx': {{'error': VLLMValidationError('{Reason}')}}}}]",
                    "stream_options"));
            }

            var toolChoice = ToolChoice.Read(root, out var toolChoiceProblem);
            if (toolChoiceProblem is not null)
            {
                return new(400, ErrorBodies.Validation(
                    $"[{{'type': 'value_error', 'loc': ('body',), 'msg': 'Value error, {toolChoiceProblem}', 'input': {Repr(root)}}}]"));
            }

            // ChatCompletionRequest.check_generation_prompt runs on the raw body, so only an explicit true trips it.
            var continueFinalMessage = IsTrue(root, "continue_final_message");
            if (continueFinalMessage && IsTrue(root, "add_generation_prompt"))
            {
                const string Reason = "Cannot set both `continue_final_message` and `add_generation_prompt` to True.";
                return new(400, ErrorBodies.Validation(
                    $"[{{'type': 'value_error', 'loc': ('body',), 'msg': 'Value error, {Reason}', 'input': {Repr(root)}, 'ctx': {{'error': ValueError('{Reason}')}}}}]"));
            }

            if (root.TryGetProperty("model", out var model)
                && model.ValueKind == JsonValueKind.String
                && !model.ValueEquals(modelName))
            {
                return new(404, ErrorBodies.ModelNotFound(model.GetString()!));
            }

            if (CheckHistory(messages) is { } historyError)
            {
                return new(400, ErrorBodies.BadRequest(historyError));
            }

            // add_generation_prompt defaults to true after validation, and the chat template refuses the pair
            // (transformers' apply_chat_template), which the handler reports as a plain 400.
            if (continueFinalMessage && !IsFalse(root, "add_generation_prompt"))
            {
                return new(400, ErrorBodies.BadRequest(
                    "continue_final_message and add_generation_prompt are not compatible. Use continue_final_message when you want the model to continue the final message, and add_generation_prompt when you want to add a header that will prompt it to start a new assistant message instead. None"));
            }

            // No tokenizer here: ~4 bytes per token is close enough for usage numbers and the context-length check.
            var promptTokens = Math.Max(1, body.Length / 4);
            if (promptTokens > maxModelLen)
            {
                return new(400, ErrorBodies.BadRequest(
                    $"This model's maximum context length is {maxModelLen} tokens. However, your request has {promptTokens} input tokens. Please reduce the length of the input messages.",
                    "input_tokens"));
            }

            var maxTokens = ReadInt(root, "max_completion_tokens") ?? ReadInt(root, "max_tokens");
            if (maxTokens is < 1)
            {
                // SamplingParams._verify_args, reported as a VLLMValidationError on the parameter.
                return new(400, ErrorBodies.BadRequest($"max_tokens must be at least 1, got {maxTokens}.", "max_tokens"));
            }

            if (maxTokens is { } requested && requested > maxModelLen - promptTokens)
            {
                return new(400, ErrorBodies.BadRequest(
                    $"'max_tokens' or 'max_completion_tokens' is too large: {requested}. This model's maximum context length is {maxModelLen} tokens and your request has {promptTokens} input tokens ({requested} > {maxModelLen} - {promptTokens}).",
                    "max_tokens"));
            }

            // StreamOptions.include_usage defaults to true once the object is sent at all.
            var includeUsage = stream && hasStreamOptions
                && !(streamOptions.TryGetProperty("include_usage", out var includeUsageElement)
                     && includeUsageElement.ValueKind == JsonValueKind.False);

            var responseId = "chatcmpl-" + (string.IsNullOrEmpty(requestIdHeader) ? Ids.Hex(32) : requestIdHeader);
            info = new ChatRequestInfo(responseId, stream, includeUsage, maxTokens, promptTokens, toolChoice)
            {
                ContinuedText = continueFinalMessage && messages.GetArrayLength() > 0
                    && messages[messages.GetArrayLength() - 1] is { ValueKind: JsonValueKind.Object } last
                    && last.TryGetProperty("content", out var continued) && continued.ValueKind == JsonValueKind.String
                    ? continued.GetString()
                    : null,
            };
            return null;
        }
    }

    /// <summary>
    /// chat_utils runs an unguarded <c>json.loads</c> on assistant history arguments and the template then calls
    /// <c>|items</c> on the result, so anything but a JSON object (or empty) is a 400 (docs/vllm-formats.md, "History the template depends on").
    /// </summary>
    private static string? CheckHistory(JsonElement messages)
    {
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object
                || !message.TryGetProperty("tool_calls", out var toolCalls)
                || toolCalls.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var call in toolCalls.EnumerateArray())
            {
                if (call.ValueKind != JsonValueKind.Object
                    || !call.TryGetProperty("function", out var function)
                    || function.ValueKind != JsonValueKind.Object
                    || !function.TryGetProperty("arguments", out var arguments))
                {
                    continue;
                }

                if (arguments.ValueKind == JsonValueKind.Object || arguments.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                if (arguments.ValueKind != JsonValueKind.String)
                {
                    return "Can only get item pairs from a mapping.";
                }

                var text = arguments.GetString()!;
                if (text.Length == 0)
                {
                    continue;
                }

                if (PythonJsonError(text) is { } decodeError)
                {
                    return decodeError + " None";
                }

                using var parsed = JsonDocument.Parse(text);
                if (parsed.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return "Can only get item pairs from a mapping.";
                }
            }
        }

        return null;
    }

    /// <summary>Approximates Python's json.JSONDecodeError text; null when the text parses.</summary>
    private static string? PythonJsonError(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return null;
        }
        catch (JsonException exception)
        {
            var inString = false;
            var stringStart = -1;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (inString)
                {
                    if (c == '\\')
                    {
                        i++;
                    }
                    else if (c == '"')
                    {
                        inString = false;
                    }
                }
                else if (c == '"')
                {
                    inString = true;
                    stringStart = i;
                }
            }

            if (inString)
            {
                return $"Unterminated string starting at: {Position(text, stringStart)}";
            }

            var at = (int)Math.Min(exception.BytePositionInLine ?? 0, text.Length);
            return $"Expecting value: {Position(text, at)}";
        }
    }

    private static string Position(string text, int index)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < index && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"line {line} column {index - lineStart + 1} (char {index})");
    }

    private static bool IsTrue(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static bool IsFalse(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.False;

    private static int? ReadInt(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : null;

    private static string Repr(JsonElement element)
    {
        var builder = new StringBuilder();
        PythonRepr.Write(element, builder);
        return builder.ToString();
    }
}
