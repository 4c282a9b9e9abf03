using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.Proxy.Sse;
using OpsBot.ProxyCore.Proxy.Upstream;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Proxy.Chat;

/// <summary>
/// Stage 7 of <see cref="ChatCompletionsHandler"/>, v4's way: asks vLLM without streaming, then relays its error as it
/// streams, or reads the whole chat.completion, recovers the tool calls left in its text and answers with it, as JSON
/// or re-wrapped as SSE.
/// </summary>
internal sealed partial class BufferedCompletion(
    UpstreamSender sender,
    ChatResponseWriter responses,
    TimeProvider time,
    IOptions<ProxyOptions> options,
    ILogger<BufferedCompletion> logger)
{
    private readonly ProxyOptions _options = options.Value;

    /// <param name="upstreamStarted">When the proxy first asked vLLM for this request (a stream that fell back here); a fallback only gets what is left of the timeout.</param>
    /// <param name="preambleSent">A streamed answer already sent its role chunk and text; send only what is missing.</param>
    public Task CompleteAsync(HttpContext context, AcceptedChatRequest chat, CompletionEventRecorder recorder, long? upstreamStarted, bool preambleSent) =>
        // UpstreamTimeout bounds the whole exchange with vLLM, the stream-to-buffer fallback included.
        RunAsync(context, chat, recorder, response: null, upstreamStarted ?? time.GetTimestamp(), preambleSent);

    /// <summary>A response the streaming stage got instead of a stream (an error status, or plain JSON): answered here as it is.</summary>
    /// <param name="upstreamStarted">When the streaming stage asked vLLM: what is left of the timeout bounds the rest.</param>
    public Task HandOffAsync(HttpContext context, AcceptedChatRequest chat, CompletionEventRecorder recorder, HttpResponseMessage response, long upstreamStarted) =>
        RunAsync(context, chat, recorder, response, upstreamStarted, preambleSent: false);

    /// <summary>Asks vLLM (unless <paramref name="response"/> is its answer already) and answers, asking again while the answer is empty and retries are left.</summary>
    private async Task RunAsync(HttpContext context, AcceptedChatRequest chat, CompletionEventRecorder recorder, HttpResponseMessage? response, long started, bool preambleSent)
    {
        var aborted = context.RequestAborted;
        var request = chat.Request;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(Remaining(started));
        UpstreamBody? upstreamBody = null;
        while (true)
        {
            if (response is null)
            {
                upstreamBody ??= chat.UpstreamBody(stream: false);
                try
                {
                    // Nothing has reached the client unless a stream fell back here, so waiting for vLLM is safe.
                    response = await sender.SendAsync(context.Request, upstreamBody.CreateContent, request.Root, canRetry: !preambleSent, timeout.Token);
                }
                catch (Exception ex) when (!aborted.IsCancellationRequested && ex is HttpRequestException or OperationCanceledException or UpstreamUnavailableException)
                {
                    await responses.FailUpstreamAsync(context, request, recorder, ex);
                    return;
                }
                catch (OperationCanceledException) when (aborted.IsCancellationRequested)
                {
                    recorder.ClientLeft();
                    return;
                }
            }

            var mayRetryEmpty = !preambleSent && recorder.EmptyRetries < _options.EmptyAnswerRetries;
            if (!await HandleResponseAsync(context, request, recorder, response, preambleSent, mayRetryEmpty, timeout.Token))
            {
                return;
            }

            response = null;
            recorder.EmptyRetries++;
            LogEmptyRetry(logger, recorder.EmptyRetries, _options.EmptyAnswerRetries);
        }
    }

    /// <summary>Relays an error status, or reads a whole chat.completion and answers with it (JSON or re-wrapped SSE). Owns <paramref name="response"/>.</summary>
    /// <param name="mayRetryEmpty">An empty answer may be asked for again: it is then not answered.</param>
    /// <returns>True when the answer was empty and nothing was sent: ask again.</returns>
    private async Task<bool> HandleResponseAsync(HttpContext context, ChatRequest request, CompletionEventRecorder recorder, HttpResponseMessage response, bool preambleSent, bool mayRetryEmpty, CancellationToken cancellationToken)
    {
        var aborted = context.RequestAborted;
        using (response)
        {
            var status = (int)response.StatusCode;
            UpstreamCompletion completion;
            JsonDocument answer;
            try
            {
                if (!response.IsSuccessStatusCode)
                {
                    await RelayErrorAsync(context, recorder, response, cancellationToken);
                    return false;
                }

                (completion, answer) = await UpstreamAnswerReader.ReadAsync(response, _options.MaxResponseBodyBytes, request.Tools, cancellationToken);
            }
            catch (JsonException ex)
            {
                await responses.FailAsync(context, request, recorder, 502, "upstream_invalid_response", $"vLLM answered {status} with a body that is not JSON: {ex.Message}", status);
                return false;
            }
            catch (InvalidDataException ex)
            {
                await responses.FailAsync(context, request, recorder, 502, "upstream_invalid_response", ex.Message, status);
                return false;
            }
            catch (Exception ex) when (!aborted.IsCancellationRequested && ex is HttpRequestException or OperationCanceledException or IOException)
            {
                if (context.Response.HasStarted && context.Response.ContentType?.StartsWith("text/event-stream", StringComparison.Ordinal) != true)
                {
                    // Part of vLLM's error body is already out as it is: cutting the connection is the only honest signal left.
                    context.Abort();
                    recorder.Failed(CompletionPath.UpstreamError, $"vLLM's answer broke off: {ex.Message}", answered: true, status);
                    return false;
                }

                await responses.FailUpstreamAsync(context, request, recorder, ex);
                return false;
            }
            catch (Exception ex) when (aborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
            {
                recorder.ClientLeft();
                return false;
            }

            using (answer)
            {
                if (completion.IsEmpty && mayRetryEmpty)
                {
                    return true;
                }

                if (completion.Format is { } format && format != ToolCallFormat.Native)
                {
                    LogExtracted(logger, completion.ToolCallCount, format);
                }

                // Still empty after the retries: the client is told what happened instead of getting nothing (OpenClaw's "No reply from agent").
                var explained = completion.IsEmpty && !preambleSent && _options.EmptyAnswerRetries > 0;
                var sent = explained ? completion.WithContent(EmptyAnswerNotice.Text(recorder.EmptyRetries + 1)) : completion;
                await responses.WriteCompletionAsync(context, request, sent, preambleSent, aborted);
                recorder.Completed(request.Stream ? CompletionPath.Rewrapped : CompletionPath.Json, status, sent);
                // The alert still fires: vLLM's answer was empty, whatever the client was told.
                recorder.EmptyAnswer = completion.IsEmpty;
                return false;
            }
        }
    }

    /// <summary>
    /// vLLM's own error (400 context length, 404 model, ...) is more useful than anything the proxy could say, so it is
    /// passed on, streamed as it arrives and never held: only its first <see cref="UpstreamExcerpt.MaxBytes"/> are kept,
    /// for the completion event. After a streamed answer's text it can only be an SSE error event, in OpenAI's shape.
    /// </summary>
    private async Task RelayErrorAsync(HttpContext context, CompletionEventRecorder recorder, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        UpstreamExcerpt excerpt;
        if (context.Response.HasStarted)
        {
            excerpt = await UpstreamExcerpt.ReadAsync(body, cancellationToken);
            await SseWriter.WriteErrorAndDoneAsync(context.Response, OpenAiError.ToJson(excerpt.Message(), "upstream_error", status), context.RequestAborted);
        }
        else
        {
            UpstreamRequestFactory.CopyResponseHeaders(response, context.Response, bodyRewritten: false);
            excerpt = new UpstreamExcerpt();
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await StreamRelay.CopyAsync(body, context.Response.Body, excerpt, idle, _options.UpstreamTimeout, context.RequestAborted);
        }

        recorder.Failed(CompletionPath.UpstreamError, excerpt.Message(), answered: true, status);
    }

    /// <summary>What is left of <see cref="ProxyOptions.UpstreamTimeout"/> since the proxy first asked vLLM.</summary>
    private TimeSpan Remaining(long upstreamStarted)
    {
        var left = _options.UpstreamTimeout - time.GetElapsedTime(upstreamStarted);
        return left > TimeSpan.Zero ? left : TimeSpan.FromTicks(1);
    }

    [LoggerMessage(EventId = ProxyEventIds.BufferedCompletionExtracted, Level = LogLevel.Information, Message = "Recovered {Count} tool call(s) left as {Format} text in content")]
    private static partial void LogExtracted(ILogger logger, int count, ToolCallFormat format);

    [LoggerMessage(EventId = ProxyEventIds.BufferedCompletionEmptyRetry, Level = LogLevel.Warning, Message = "vLLM answered nothing (no content, no tool calls); asking again ({Retry} of {Retries})")]
    private static partial void LogEmptyRetry(ILogger logger, int retry, int retries);
}
