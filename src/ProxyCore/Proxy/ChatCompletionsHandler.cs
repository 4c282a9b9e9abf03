using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.Metrics;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>
/// <c>POST /v1/chat/completions</c>: the one route the proxy changes. Streaming requests with tools
/// (every OpenClaw request) are answered either from a vLLM stream with tool calls held back
/// (<see cref="ToolStreamingMode.Stream"/>) or, as v4 did, from a non-streaming call re-wrapped as SSE.
/// </summary>
public sealed partial class ChatCompletionsHandler
{
    private readonly UpstreamSender _sender;
    private readonly RequestBodyBudget _budget;
    private readonly RequestBufferPool _buffers;
    private readonly ToolCatalogCache _catalogs;
    private readonly PassthroughForwarder _passthrough;
    private readonly StreamingToolCompletion _streaming;
    private readonly LoopGuard _loopGuard;
    private readonly CompletionEventPublisher _events;
    private readonly ProxyMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ProxyOptions _options;
    private readonly ILogger<ChatCompletionsHandler> _logger;

    public ChatCompletionsHandler(
        UpstreamSender sender,
        RequestBodyBudget budget,
        RequestBufferPool buffers,
        ToolCatalogCache catalogs,
        PassthroughForwarder passthrough,
        StreamingToolCompletion streaming,
        LoopGuard loopGuard,
        CompletionEventPublisher events,
        ProxyMetrics metrics,
        TimeProvider time,
        IOptions<ProxyOptions> options,
        ILogger<ChatCompletionsHandler> logger)
    {
        _sender = sender;
        _budget = budget;
        _buffers = buffers;
        _catalogs = catalogs;
        _passthrough = passthrough;
        _streaming = streaming;
        _loopGuard = loopGuard;
        _events = events;
        _metrics = metrics;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var started = _time.GetTimestamp();
        var aborted = context.RequestAborted;
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            // Forwarding a GET here would hand the client vLLM's answer to a mistake the proxy can name.
            context.Response.Headers.Allow = "POST";
            await RejectAsync(context, started, StatusCodes.Status405MethodNotAllowed,
                $"Method {context.Request.Method} is not allowed on /v1/chat/completions; use POST.", param: null);
            return;
        }

        RequestBody? body;
        try
        {
            body = await RequestBodyReader.ReadAsync(context.Request, _options.MaxRequestBodyBytes, _budget, _buffers, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // Gone while waiting for the budget or sending its body: nothing reached vLLM.
            PublishFailure(request: null, CompletionPath.UpstreamUnavailable, started, upstreamStatus: null, CompletionEvent.ClientDisconnected, answered: false);
            return;
        }
        catch (BadHttpRequestException ex)
        {
            await ClientBodyError.RespondAsync(context, ex, _logger);
            PublishFailure(request: null, CompletionPath.BadRequest, started, upstreamStatus: null, ex.Message, answered: true);
            return;
        }

        if (body is null)
        {
            await RejectAsync(context, started, StatusCodes.Status413PayloadTooLarge,
                $"Request body exceeds the proxy's limit of {_options.MaxRequestBodyBytes} bytes (Proxy:MaxRequestBodyBytes).", param: null);
            return;
        }

        using (body)
        {
            await HandleBodyAsync(context, body.Memory, started);
        }
    }

    private async Task HandleBodyAsync(HttpContext context, ReadOnlyMemory<byte> bytes, long started)
    {
        var aborted = context.RequestAborted;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException ex)
        {
            await RejectAsync(context, started, StatusCodes.Status400BadRequest, $"Request body is not valid JSON: {ex.Message}", param: null);
            return;
        }

        using (document)
        {
            // The one read of the request also checks it: nothing malformed reaches vLLM.
            if (ChatRequest.TryParse(document, out var error, _catalogs) is not { } request)
            {
                await RejectAsync(context, started, StatusCodes.Status400BadRequest, error!.Message, error.Param);
                return;
            }

            if (_loopGuard.Check(request) is var verdict and not LoopGuardVerdict.Continue)
            {
                using var answer = _loopGuard.CreateAnswer(request, verdict);
                var completion = UpstreamCompletion.Read(answer.RootElement, request.Tools);
                LogLoopGuard(_logger, verdict, request.ToolResultCount, request.RepeatedCalls.Length);
                await WriteCompletionAsync(context, request, completion, preambleSent: false, aborted);
                Publish(request, CompletionPath.LoopGuard, started, upstreamStatus: null, completion);
                return;
            }

            // Judged against what the client asked for: dropping stream_options for the re-wrap is by design, not a repair.
            var report = UpstreamBodyWriter.Analyze(request.Root, request.Stream);
            _metrics.RecordNormalization(report);

            if (request.Stream && !request.HasTools)
            {
                // Forward the client's bytes untouched unless vLLM needs something changed.
                await StreamThroughAsync(context, request, report.Any ? UpstreamBodyWriter.Write(request.Root, bytes, stream: true, report: report) : new UpstreamBody(bytes), started);
                return;
            }

            // UpstreamTimeout bounds the whole exchange with vLLM, the stream-to-buffer fallback included.
            var upstreamStarted = _time.GetTimestamp();
            var preambleSent = false;
            if (request.Stream && _options.ToolStreaming == ToolStreamingMode.Stream && request.Choices == 1)
            {
                var outcome = await _streaming.RunAsync(context, request, bytes, started, report);
                if (outcome.Completion is { } streamed)
                {
                    _events.Publish(streamed);
                    return;
                }

                if (outcome.Failure is { } failure)
                {
                    await FailUpstreamAsync(context, request, started, failure);
                    return;
                }

                if (outcome.Response is { } handedOff)
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                    timeout.CancelAfter(Remaining(upstreamStarted));
                    await HandleBufferedResponseAsync(context, request, started, handedOff, preambleSent: false, timeout.Token);
                    return;
                }

                LogFallback(_logger, outcome.FallbackReason!, outcome.PreambleSent);
                preambleSent = outcome.PreambleSent;
            }

            await CompleteBufferedAsync(context, request, bytes, started, upstreamStarted, preambleSent, report);
        }
    }

    private async Task StreamThroughAsync(HttpContext context, ChatRequest request, UpstreamBody body, long started)
    {
        var observer = new SseStreamObserver();
        var status = await _passthrough.SendAndRelayAsync(context, body.CreateContent, request.Root, observer);
        var path = status switch
        {
            null => CompletionPath.UpstreamUnavailable,
            >= 200 and < 300 => CompletionPath.StreamPassthrough,
            _ => CompletionPath.UpstreamError,
        };
        var empty = status is >= 200 and < 300 && observer.Error is null && observer.ContentLength == 0 && observer.ToolCalls == 0;
        var error = observer.Error ?? (context.RequestAborted.IsCancellationRequested ? CompletionEvent.ClientDisconnected : null);
        _events.Publish(new CompletionEvent(_time.GetUtcNow(), request.Model, true, false, path, status, _time.GetElapsedTime(started),
            observer.FirstByteAt is { } first ? _time.GetElapsedTime(started, first) : null,
            observer.PromptTokens, observer.CompletionTokens, observer.ToolCalls, null, observer.ContentLength, empty, error));
    }

    /// <param name="preambleSent">A streamed answer already sent its role chunk and text; send only what is missing.</param>
    /// <param name="upstreamStarted">When the proxy first asked vLLM for this request: a fallback only gets what is left of the timeout.</param>
    private async Task CompleteBufferedAsync(HttpContext context, ChatRequest request, ReadOnlyMemory<byte> source, long started, long upstreamStarted, bool preambleSent, NormalizationReport report)
    {
        var aborted = context.RequestAborted;
        var upstreamBody = UpstreamBodyWriter.Write(request.Root, source, stream: false, report: report);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(Remaining(upstreamStarted));

        HttpResponseMessage response;
        try
        {
            // Nothing has reached the client unless a stream fell back here, so waiting for vLLM is safe.
            response = await _sender.SendAsync(context.Request, upstreamBody.CreateContent, request.Root, canRetry: !preambleSent, timeout.Token);
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested && ex is HttpRequestException or OperationCanceledException or UpstreamUnavailableException)
        {
            await FailUpstreamAsync(context, request, started, ex);
            return;
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            PublishAborted(request, started);
            return;
        }

        await HandleBufferedResponseAsync(context, request, started, response, preambleSent, timeout.Token);
    }

    /// <summary>Relays an error status, or reads a whole chat.completion and answers with it (JSON or re-wrapped SSE). Owns <paramref name="response"/>.</summary>
    private async Task HandleBufferedResponseAsync(HttpContext context, ChatRequest request, long started, HttpResponseMessage response, bool preambleSent, CancellationToken cancellationToken)
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
                    await RelayErrorAsync(context, request, started, response, cancellationToken);
                    return;
                }

                answer = await ReadAnswerAsync(response, cancellationToken);
            }
            catch (JsonException ex)
            {
                await FailAsync(context, request, started, 502, "upstream_invalid_response", $"vLLM answered {status} with a body that is not JSON: {ex.Message}", status);
                return;
            }
            catch (InvalidDataException ex)
            {
                await FailAsync(context, request, started, 502, "upstream_invalid_response", ex.Message, status);
                return;
            }
            catch (Exception ex) when (!aborted.IsCancellationRequested && ex is HttpRequestException or OperationCanceledException or IOException)
            {
                if (context.Response.HasStarted && context.Response.ContentType?.StartsWith("text/event-stream", StringComparison.Ordinal) != true)
                {
                    // Part of vLLM's error body is already out as it is: cutting the connection is the only honest signal left.
                    context.Abort();
                    PublishFailure(request, CompletionPath.UpstreamError, started, status, $"vLLM's answer broke off: {ex.Message}", answered: true);
                    return;
                }

                await FailUpstreamAsync(context, request, started, ex);
                return;
            }
            catch (Exception ex) when (aborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
            {
                PublishAborted(request, started);
                return;
            }

            using (answer)
            {
                if (answer.RootElement.ValueKind != JsonValueKind.Object)
                {
                    await FailAsync(context, request, started, 502, "upstream_invalid_response", "vLLM answered with JSON that is not a chat completion object.", status);
                    return;
                }

                if (!JsonTextValidity.IsValid(JsonMarshal.GetRawUtf8Value(answer.RootElement)))
                {
                    // Its strings (content, tool-call arguments) cannot be read, nor shown to the client as they are.
                    await FailAsync(context, request, started, 502, "upstream_invalid_response",
                        $"vLLM answered with text that is not valid UTF-8 (in {JsonTextValidity.Locate(answer.RootElement)}).", status);
                    return;
                }

                var completion = UpstreamCompletion.Read(answer.RootElement, request.Tools);
                if (completion.Format is { } format && format != ToolCallFormat.Native)
                {
                    LogExtracted(_logger, completion.ToolCallCount, format);
                }

                await WriteCompletionAsync(context, request, completion, preambleSent, aborted);
                Publish(request, request.Stream ? CompletionPath.Rewrapped : CompletionPath.Json, started, status, completion);
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
    private async Task RelayErrorAsync(HttpContext context, ChatRequest request, long started, HttpResponseMessage response, CancellationToken cancellationToken)
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

        PublishFailure(request, CompletionPath.UpstreamError, started, status, excerpt.Message(), answered: true);
    }

    private async Task WriteCompletionAsync(HttpContext context, ChatRequest request, UpstreamCompletion completion, bool preambleSent, CancellationToken cancellationToken)
    {
        if (request.Stream)
        {
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
                SseWriter.SetHeaders(context.Response);
            }

            await SseRewrapper.WriteAsync(context.Response.Body, completion, _time, cancellationToken, preambleSent);
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

    private Task FailUpstreamAsync(HttpContext context, ChatRequest request, long started, Exception exception)
    {
        var (status, type, message) = UpstreamFailure.Describe(exception, _sender.UpstreamName, _options.UpstreamTimeout);
        return FailAsync(context, request, started, status, type, message, upstreamStatus: null);
    }

    private async Task FailAsync(HttpContext context, ChatRequest request, long started, int status, string type, string message, int? upstreamStatus)
    {
        LogUpstreamFailed(_logger, status, message);
        await OpenAiError.WriteResponseAsync(context, status, message, type, request.Stream, context.RequestAborted);
        PublishFailure(request, CompletionPath.UpstreamUnavailable, started, upstreamStatus, message, answered: true);
    }

    /// <summary>Refuses a request before vLLM is asked: a JSON error (also to a streaming client; nothing was streamed) and an event, so it counts in /metrics.</summary>
    private async Task RejectAsync(HttpContext context, long started, int status, string message, string? param)
    {
        try
        {
            await OpenAiError.WriteResponseAsync(context, status, message, "invalid_request_error", asSse: false, context.RequestAborted, param);
        }
        catch (Exception ex) when (context.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
        }

        PublishFailure(request: null, CompletionPath.BadRequest, started, upstreamStatus: null, message, answered: true);
    }

    /// <summary>What is left of <see cref="ProxyOptions.UpstreamTimeout"/> since the proxy first asked vLLM.</summary>
    private TimeSpan Remaining(long upstreamStarted)
    {
        var left = _options.UpstreamTimeout - _time.GetElapsedTime(upstreamStarted);
        return left > TimeSpan.Zero ? left : TimeSpan.FromTicks(1);
    }

    private void Publish(ChatRequest request, CompletionPath path, long started, int? upstreamStatus, UpstreamCompletion completion) =>
        _events.Publish(new CompletionEvent(_time.GetUtcNow(), request.Model, request.Stream, request.HasTools, path, upstreamStatus,
            _time.GetElapsedTime(started), _time.GetElapsedTime(started), completion.PromptTokens, completion.CompletionTokens, completion.ToolCallCount, completion.Format,
            completion.ContentLength, completion.IsEmpty, null));

    private void PublishAborted(ChatRequest request, long started) =>
        PublishFailure(request, CompletionPath.UpstreamUnavailable, started, upstreamStatus: null, CompletionEvent.ClientDisconnected, answered: false);

    /// <param name="answered">The client got an (error) answer, so its first byte went out when the request ended.</param>
    private void PublishFailure(ChatRequest? request, CompletionPath path, long started, int? upstreamStatus, string error, bool answered)
    {
        var elapsed = _time.GetElapsedTime(started);
        _events.Publish(new CompletionEvent(_time.GetUtcNow(), request?.Model, request?.Stream ?? false, request?.HasTools ?? false, path, upstreamStatus,
            elapsed, answered ? elapsed : null, null, null, 0, null, 0, false, error));
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Loop guard ended the turn ({Verdict}: {ToolResults} tool results, {Repeats} identical calls in a row); answered without vLLM")]
    private static partial void LogLoopGuard(ILogger logger, LoopGuardVerdict verdict, int toolResults, int repeats);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Recovered {Count} tool call(s) left as {Format} text in content")]
    private static partial void LogExtracted(ILogger logger, int count, ToolCallFormat format);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Chat completion failed with {Status}: {Reason}")]
    private static partial void LogUpstreamFailed(ILogger logger, int status, string reason);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "Streamed answer unusable ({Reason}); asking vLLM again without streaming (text already sent: {PreambleSent})")]
    private static partial void LogFallback(ILogger logger, string reason, bool preambleSent);
}
