using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.Proxy.Sse;
using OpsBot.ProxyCore.Proxy.Upstream;

namespace OpsBot.ProxyCore.Proxy.Chat;

/// <summary>The answers every stage of a chat request may end with: a whole completion (JSON or re-wrapped SSE), or an upstream failure.</summary>
internal sealed partial class ChatResponseWriter(UpstreamSender sender, TimeProvider time, IOptions<ProxyOptions> options, ILogger<ChatResponseWriter> logger)
{
    private readonly ProxyOptions _options = options.Value;

    /// <param name="preambleSent">A streamed answer already sent its role chunk and text; send only what is missing.</param>
    public async Task WriteCompletionAsync(HttpContext context, ChatRequest request, UpstreamCompletion completion, bool preambleSent, CancellationToken cancellationToken)
    {
        if (request.Stream)
        {
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
                SseWriter.SetHeaders(context.Response);
            }

            await SseRewrapper.WriteAsync(context.Response.Body, completion, time, cancellationToken, preambleSent);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, RawJson.WriterOptions))
        {
            CompletionJsonWriter.Write(writer, completion);
        }

        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken);
    }

    /// <summary>vLLM could not be reached, stayed silent, or refused the connection: 502/503/504 in OpenAI's shape.</summary>
    public Task FailUpstreamAsync(HttpContext context, ChatRequest request, CompletionEventRecorder recorder, Exception exception)
    {
        var (status, type, message) = UpstreamFailure.Describe(exception, sender.UpstreamName, _options.UpstreamTimeout);
        return FailAsync(context, request, recorder, status, type, message, upstreamStatus: null);
    }

    public async Task FailAsync(HttpContext context, ChatRequest request, CompletionEventRecorder recorder, int status, string type, string message, int? upstreamStatus)
    {
        LogUpstreamFailed(logger, status, message);
        await OpenAiError.WriteResponseAsync(context, status, message, type, request.Stream, context.RequestAborted);
        recorder.Failed(CompletionPath.UpstreamUnavailable, message, answered: true, upstreamStatus);
    }

    [LoggerMessage(EventId = ProxyEventIds.ChatResponseWriterUpstreamFailed, Level = LogLevel.Warning, Message = "Chat completion failed with {Status}: {Reason}")]
    private static partial void LogUpstreamFailed(ILogger logger, int status, string reason);
}
