using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.Proxy.Upstream;

namespace OpsBot.ProxyCore.Proxy.Chat;

/// <summary>
/// Ends an agent turn that keeps calling tools, answering itself instead of spending another
/// generation on vLLM: once a conversation holds <see cref="ProxyOptions.MaxToolCalls"/> tool results
/// (v4's guard), or once the agent has made the same call <see cref="ProxyOptions.MaxRepeatedToolCalls"/>
/// times in a row (a stuck agent repeats itself long before it reaches the count).
/// </summary>
internal sealed partial class LoopGuard(ChatResponseWriter responses, IOptions<ProxyOptions> options, TimeProvider time, ILogger<LoopGuard> logger)
{
    private readonly ProxyOptions _options = options.Value;
    private readonly TimeProvider _time = time;

    /// <summary>Stage 4 of <see cref="ChatCompletionsHandler"/>: ends the turn with the proxy's own answer when the agent is looping.</summary>
    /// <returns>True when the client got that answer and vLLM must not be asked.</returns>
    public async Task<bool> TryAnswerAsync(HttpContext context, ChatRequest request, CompletionEventRecorder recorder)
    {
        if (Check(request) is not (var verdict and not LoopGuardVerdict.Continue))
        {
            return false;
        }

        using var answer = CreateAnswer(request, verdict);
        var completion = UpstreamCompletion.Read(answer.RootElement, request.Tools);
        LogLoopGuard(logger, verdict, request.ToolResultCount, request.RepeatedCalls.Length);
        await responses.WriteCompletionAsync(context, request, completion, preambleSent: false, context.RequestAborted);
        recorder.Completed(CompletionPath.LoopGuard, upstreamStatus: null, completion);
        return true;
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

    [LoggerMessage(EventId = ProxyEventIds.LoopGuardEndedTurn, Level = LogLevel.Warning,
        Message = "Loop guard ended the turn ({Verdict}: {ToolResults} tool results, {Repeats} identical calls in a row); answered without vLLM")]
    private static partial void LogLoopGuard(ILogger logger, LoopGuardVerdict verdict, int toolResults, int repeats);
}
