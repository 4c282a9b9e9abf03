using System.Runtime.InteropServices;
using System.Text.Json;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Proxy.Chat;

/// <summary>What the proxy needs to know about a chat completion request; <see cref="Root"/> stays valid while the document lives.</summary>
internal sealed record ChatRequest(
    JsonElement Root,
    string? Model,
    bool Stream,
    bool HasTools,
    ToolCatalog Tools,
    int ToolResultCount,
    ToolCallRun RepeatedCalls)
{
    /// <summary>Requested choices (<c>n</c>); streaming with tool hold-back handles one.</summary>
    public int Choices => Root.TryGetProperty("n", out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out var count) ? count : 1;

    /// <summary>
    /// Reads what the proxy needs and checks the request's shape in the same pass (the top level, each message, and
    /// the tools only when their catalog is not cached yet): a JSON object; <c>model</c> a string (vLLM serves its
    /// default model when there is none); <c>stream</c> a boolean; <c>messages</c> a non-empty array of objects with a
    /// string <c>role</c>; <c>tools</c> an array of <c>{"type":"function","function":{"name":…}}</c>; valid UTF-8 text
    /// throughout. Anything else gets a 400 naming the field, before vLLM is asked.
    /// </summary>
    /// <returns>The request, or null with what is wrong.</returns>
    /// <param name="catalogs">Reuses the catalog of a tool set seen before (every OpenClaw request repeats its tools).</param>
    public static ChatRequest? TryParse(JsonDocument document, out ChatRequestError? error, ToolCatalogCache? catalogs = null)
    {
        var root = document.RootElement;
        // Before anything is read as a string: invalid text would throw there.
        if (!JsonTextValidity.IsValid(JsonMarshal.GetRawUtf8Value(root)))
        {
            var field = JsonTextValidity.Locate(root);
            error = new($"Request body is not valid UTF-8 text (in {field}).", field);
            return null;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            error = new($"Request body must be a JSON object, got {Kind(root)}.", null);
            return null;
        }

        string? model = null;
        if (root.TryGetProperty("model", out var m) && m.ValueKind != JsonValueKind.Null)
        {
            if (m.ValueKind != JsonValueKind.String)
            {
                error = Invalid("model", "a string", m);
                return null;
            }

            model = m.GetString();
        }

        var stream = false;
        if (root.TryGetProperty("stream", out var s) && s.ValueKind != JsonValueKind.Null)
        {
            if (s.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                error = Invalid("stream", "a boolean", s);
                return null;
            }

            stream = s.ValueKind == JsonValueKind.True;
        }

        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            error = messages.ValueKind == JsonValueKind.Undefined
                ? new("Missing required parameter: 'messages'.", "messages")
                : Invalid("messages", "a non-empty array of messages", messages);
            return null;
        }

        var hasTools = false;
        var catalog = ToolCatalog.Empty;
        if (root.TryGetProperty("tools", out var tools) && tools.ValueKind != JsonValueKind.Null)
        {
            if (tools.ValueKind != JsonValueKind.Array)
            {
                error = Invalid("tools", "an array of function tools", tools);
                return null;
            }

            hasTools = tools.GetArrayLength() > 0;
            if (hasTools && !(catalogs?.TryGet(tools, out catalog) ?? false))
            {
                if (CheckTools(tools) is { } toolError)
                {
                    error = toolError;
                    return null;
                }

                catalog = catalogs?.Add(tools) ?? ToolCatalog.FromTools(tools);
            }
        }

        int toolResults = 0, index = 0;
        var run = ToolCallRun.None;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object)
            {
                error = Invalid($"messages[{index}]", "a message object", message);
                return null;
            }

            if (!message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
            {
                error = role.ValueKind == JsonValueKind.Undefined
                    ? new($"Missing required parameter: 'messages[{index}].role'.", $"messages[{index}].role")
                    : Invalid($"messages[{index}].role", "a string", role);
                return null;
            }

            if (role.ValueEquals("tool") || message.TryGetProperty("tool_call_id", out _))
            {
                toolResults++;
            }
            else if (role.ValueEquals("user"))
            {
                // A new user message starts a new turn; repeats only count within one.
                run = ToolCallRun.None;
            }
            else if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                foreach (var call in calls.EnumerateArray())
                {
                    run = run.Append(call);
                }
            }

            index++;
        }

        // tool_choice "none": the client asked for an answer without calls, so vLLM runs no parser and any call the
        // model wrote stays text (docs/vllm-behaviour.md); recovering it would hand the client a call it ruled out.
        if (hasTools && root.TryGetProperty("tool_choice", out var choice) && choice.ValueKind == JsonValueKind.String && choice.ValueEquals("none"))
        {
            catalog = ToolCatalog.Empty;
        }

        error = null;
        return new ChatRequest(root, model, stream, hasTools, catalog, toolResults, run);
    }

    /// <summary>Each tool a function with a name; vLLM's own default for a missing <c>type</c> is "function".</summary>
    private static ChatRequestError? CheckTools(JsonElement tools)
    {
        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var at = $"tools[{index++}]";
            if (tool.ValueKind != JsonValueKind.Object)
            {
                return Invalid(at, "a tool object", tool);
            }

            if (tool.TryGetProperty("type", out var type) && !(type.ValueKind == JsonValueKind.String && type.ValueEquals("function")))
            {
                return new($"Invalid value for '{at}.type': only \"function\" tools are supported.", $"{at}.type");
            }

            if (!tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                return function.ValueKind == JsonValueKind.Undefined
                    ? new($"Missing required parameter: '{at}.function'.", $"{at}.function")
                    : Invalid($"{at}.function", "an object", function);
            }

            if (!function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                return name.ValueKind == JsonValueKind.Undefined
                    ? new($"Missing required parameter: '{at}.function.name'.", $"{at}.function.name")
                    : Invalid($"{at}.function.name", "a string", name);
            }
        }

        return null;
    }

    private static ChatRequestError Invalid(string param, string expected, JsonElement actual) =>
        new($"Invalid type for '{param}': expected {expected}, but got {Kind(actual)} instead.", param);

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => element.GetArrayLength() == 0 ? "an empty array" : "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}

/// <summary>Why a chat request was refused: the message for the client and the field it names (OpenAI's <c>param</c>).</summary>
internal sealed record ChatRequestError(string Message, string? Param);
