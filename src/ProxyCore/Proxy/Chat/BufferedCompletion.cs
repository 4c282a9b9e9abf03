using System.Runtime.InteropServices;
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
    public async Task CompleteAsync(HttpContext context, AcceptedChatRequest chat, CompletionEventRecorder recorder, long? upstreamStarted, bool preambleSent)
    {
        var aborted = context.RequestAborted;
        var request = chat.Request;
        // UpstreamTimeout bounds the whole exchange with vLLM, the stream-to-buffer fallback included.
        var started = upstreamStarted ?? time.GetTimestamp();
        var upstreamBody = chat.UpstreamBody(stream: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(Remaining(started));

        HttpResponseMessage response;
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

        await HandleResponseAsync(context, request, recorder, response, preambleSent, timeout.Token);
    }

    /// <summary>A response the streaming stage got instead of a stream (an error status, or plain JSON): answered here as it is.</summary>
    /// <param name="upstreamStarted">When the streaming stage asked vLLM: what is left of the timeout bounds the rest.</param>
    public async Task HandOffAsync(HttpContext context, ChatRequest request, CompletionEventRecorder recorder, HttpResponseMessage response, long upstreamStarted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(Remaining(upstreamStarted));
        await HandleResponseAsync(context, request, recorder, response, preambleSent: false, timeout.Token);
    }

    /// <summary>Relays an error status, or reads a whole chat.completion and answers with it (JSON or re-wrapped SSE). Owns <paramref name="response"/>.</summary>
    private async Task HandleResponseAsync(HttpContext context, ChatRequest request, CompletionEventRecorder recorder, HttpResponseMessage response, bool preambleSent, CancellationToken cancellationToken)
    {
        var aborted = context.RequestAborted;
        using (response)
        {
            var status = (int)response.StatusCode;
            JsonDocument answer;
            try
            {
                if (!response.IsSuccessStatusCode)
                {
                    await RelayErrorAsync(context, recorder, response, cancellationToken);
                    return;
                }

                answer = await ReadAnswerAsync(response, cancellationToken);
            }
            catch (JsonException ex)
            {
                await responses.FailAsync(context, request, recorder, 502, "upstream_invalid_response", $"vLLM answered {status} with a body that is not JSON: {ex.Message}", status);
                return;
            }
            catch (InvalidDataException ex)
            {
                await responses.FailAsync(context, request, recorder, 502, "upstream_invalid_response", ex.Message, status);
                return;
            }
            catch (Exception ex) when (!aborted.IsCancellationRequested && ex is HttpRequestException or OperationCanceledException or IOException)
            {
                if (context.Response.HasStarted && context.Response.ContentType?.StartsWith("text/event-stream", StringComparison.Ordinal) != true)
                {
                    // Part of vLLM's error body is already out as it is: cutting the connection is the only honest signal left.
                    context.Abort();
                    recorder.Failed(CompletionPath.UpstreamError, $"vLLM's answer broke off: {ex.Message}", answered: true, status);
                    return;
                }

                await responses.FailUpstreamAsync(context, request, recorder, ex);
                return;
            }
            catch (Exception ex) when (aborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
            {
                recorder.ClientLeft();
                return;
            }

            using (answer)
            {
                if (answer.RootElement.ValueKind != JsonValueKind.Object)
                {
                    await responses.FailAsync(context, request, recorder, 502, "upstream_invalid_response", "vLLM answered with JSON that is not a chat completion object.", status);
                    return;
                }

                if (!JsonTextValidity.IsValid(JsonMarshal.GetRawUtf8Value(answer.RootElement)))
                {
                    // Its strings (content, tool-call arguments) cannot be read, nor shown to the client as they are.
                    await responses.FailAsync(context, request, recorder, 502, "upstream_invalid_response",
                        $"vLLM answered with text that is not valid UTF-8 (in {JsonTextValidity.Locate(answer.RootElement)}).", status);
                    return;
                }

                var completion = UpstreamCompletion.Read(answer.RootElement, request.Tools);
                if (completion.Format is { } format && format != ToolCallFormat.Native)
                {
                    LogExtracted(logger, completion.ToolCallCount, format);
                }

                await responses.WriteCompletionAsync(context, request, completion, preambleSent, aborted);
                recorder.Completed(request.Stream ? CompletionPath.Rewrapped : CompletionPath.Json, status, completion);
            }
        }
    }

    /// <summary>vLLM's answer, read whole (it is parsed and rewritten) but never past <see cref="ProxyOptions.MaxResponseBodyBytes"/>.</summary>
    /// <exception cref="InvalidDataException">The answer is larger than that.</exception>
    private async Task<JsonDocument> ReadAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var limit = _options.MaxResponseBodyBytes;
        if (response.Content.Headers.ContentLength > limit)
        {
            throw AnswerTooLarge(response.Content.Headers.ContentLength.Value);
        }

        await using var stream = new LimitedReadStream(await response.Content.ReadAsStreamAsync(cancellationToken), limit, AnswerTooLarge);
        return await JsonDocument.ParseAsync(stream, default, cancellationToken);
    }

    private InvalidDataException AnswerTooLarge(long bytes) =>
        new($"vLLM's answer is larger than the proxy's limit of {_options.MaxResponseBodyBytes} bytes (Proxy:MaxResponseBodyBytes): at least {bytes} bytes.");

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

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Recovered {Count} tool call(s) left as {Format} text in content")]
    private static partial void LogExtracted(ILogger logger, int count, ToolCallFormat format);
}
