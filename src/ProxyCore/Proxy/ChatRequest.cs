using System.Text.Json;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>What the proxy needs to know about a chat completion request; <see cref="Root"/> stays valid while the document lives.</summary>
public sealed record ChatRequest(
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

    /// <summary>Parses the request; returns null with a client-facing message when it is not a JSON object.</summary>
    /// <param name="catalogs">Reuses the catalog of a tool set seen before (every OpenClaw request repeats its tools).</param>
    public static ChatRequest? TryParse(JsonDocument document, out string? error, ToolCatalogCache? catalogs = null)
    {
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = $"Request body must be a JSON object, got {root.ValueKind}.";
            return null;
        }

        string? model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        bool stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        bool hasTools = root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0;

        int toolResults = 0;
        var run = ToolCallRun.None;
        if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var hasRole = message.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String;
                if ((hasRole && role.ValueEquals("tool")) || message.TryGetProperty("tool_call_id", out _))
                {
                    toolResults++;
                }
                else if (hasRole && role.ValueEquals("user"))
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
            }
        }

        // tool_choice "none": the client asked for an answer without calls, so vLLM runs no parser and any call the
        // model wrote stays text (FORMATS.md §1.6); recovering it would hand the client a call it ruled out.
        bool extract = hasTools
            && !(root.TryGetProperty("tool_choice", out var choice) && choice.ValueKind == JsonValueKind.String && choice.ValueEquals("none"));

        error = null;
        return new ChatRequest(root, model, stream, hasTools, !extract ? ToolCatalog.Empty : catalogs?.Get(tools) ?? ToolCatalog.FromTools(tools), toolResults, run);
    }
}
