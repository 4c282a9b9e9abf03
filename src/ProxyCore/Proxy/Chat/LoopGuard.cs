using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace OpsBot.ProxyCore.Proxy.Chat;

/// <summary>
/// Ends an agent turn that keeps calling tools, answering itself instead of spending another
/// generation on vLLM: once a conversation holds <see cref="ProxyOptions.MaxToolCalls"/> tool results
/// (v4's guard), or once the agent has made the same call <see cref="ProxyOptions.MaxRepeatedToolCalls"/>
/// times in a row (a stuck agent repeats itself long before it reaches the count).
/// </summary>
public sealed class LoopGuard
{
    private readonly ProxyOptions _options;
    private readonly TimeProvider _time;

    public LoopGuard(IOptions<ProxyOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
    }

    public LoopGuardVerdict Check(ChatRequest request)
    {
        if (!request.HasTools)
        {
            return LoopGuardVerdict.Continue;
        }

        if (request.ToolResultCount >= _options.MaxToolCalls)
        {
            return LoopGuardVerdict.TooManyToolResults;
        }

        return request.RepeatedCalls.Length >= _options.MaxRepeatedToolCalls ? LoopGuardVerdict.RepeatedToolCall : LoopGuardVerdict.Continue;
    }

    /// <summary>A complete chat.completion in vLLM's shape, so it goes through the same JSON/SSE writers as real answers.</summary>
    public JsonDocument CreateAnswer(ChatRequest request, LoopGuardVerdict verdict)
    {
        var text = verdict == LoopGuardVerdict.RepeatedToolCall
            ? $"I stopped here: the last {request.RepeatedCalls.Length} tool calls were the same call to `{request.RepeatedCalls.Name}` with the same arguments, "
              + $"which reaches the proxy's limit of {_options.MaxRepeatedToolCalls} (Proxy:MaxRepeatedToolCalls). Repeating it again would give the same result. "
              + "Please check the last tool result and tell me how to continue."
            : $"I stopped here: this conversation already has {request.ToolResultCount} tool results, which reaches the proxy's limit of {_options.MaxToolCalls} (Proxy:MaxToolCalls). "
              + "The agent may be stuck in a tool-call loop. Please review the results so far and send a new message to continue.";
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", "chatcmpl-loopguard-" + Guid.NewGuid().ToString("N"));
            writer.WriteString("object", "chat.completion");
            writer.WriteNumber("created", _time.GetUtcNow().ToUnixTimeSeconds());
            writer.WriteString("model", request.Model ?? "");
            writer.WriteStartArray("choices");
            writer.WriteStartObject();
            writer.WriteNumber("index", 0);
            writer.WriteStartObject("message");
            writer.WriteString("role", "assistant");
            writer.WriteString("content", text);
            writer.WriteEndObject();
            writer.WriteNull("logprobs");
            writer.WriteString("finish_reason", "stop");
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return JsonDocument.Parse(buffer.WrittenMemory);
    }
}
