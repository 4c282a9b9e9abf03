using System.Buffers;
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
    private readonly UpstreamRequestFactory _requests;
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
        UpstreamRequestFactory requests,
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
        _requests = requests;
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

        if (body is null)
        {
            await RejectAsync(context, started, StatusCodes.Status413PayloadTooLarge,
                $"Request body exceeds the proxy's limit of {_options.MaxRequestBodyBytes} bytes (Proxy:MaxRequestBodyBytes).");
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
            await RejectAsync(context, started, StatusCodes.Status400BadRequest, $"Request body is not valid JSON: {ex.Message}");
            return;
        }

        using (document)
        {
            if (ChatRequest.TryParse(document, out var error, _catalogs) is not { } request)
            {
                await RejectAsync(context, started, StatusCodes.Status400BadRequest, error!);
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

            var preambleSent = false;
            if (request.Stream && _options.ToolStreaming == ToolStreamingMode.Stream && request.Choices == 1)
            {
                var outcome = await _streaming.RunAsync(context, request, bytes, started, report);
                if (outcome.Completion is { } streamed)
                {
                    _events.Publish(streamed);
                    return;
                }

                if (outcome.Response is { } handedOff)
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                    timeout.CancelAfter(_options.UpstreamTimeout);
                    await HandleBufferedResponseAsync(context, request, started, handedOff, preambleSent: false, timeout.Token);
                    return;
                }

                LogFallback(_logger, outcome.FallbackReason!, outcome.PreambleSent);
                preambleSent = outcome.PreambleSent;
            }

            await CompleteBufferedAsync(context, request, bytes, started, preambleSent, report);
        }
    }

    private async Task StreamThroughAsync(HttpContext context, ChatRequest request, UpstreamBody body, long started)
    {
        var observer = new SseStreamObserver();
        var status = await _passthrough.SendAndRelayAsync(context, body.CreateContent, observer);
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
    private async Task CompleteBufferedAsync(HttpContext context, ChatRequest request, ReadOnlyMemory<byte> source, long started, bool preambleSent, NormalizationReport report)
    {
        var aborted = context.RequestAborted;
        var upstreamBody = UpstreamBodyWriter.Write(request.Root, source, stream: false, report: report);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(_options.UpstreamTimeout);

        HttpResponseMessage response;
        try
        {
            // Nothing has reached the client unless a stream fell back here, so waiting for vLLM is safe.
            response = await _sender.SendAsync(() => _requests.Create(context.Request, upstreamBody.CreateContent()), canRetry: !preambleSent, timeout.Token);
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
            if (!response.IsSuccessStatusCode)
            {
                await RelayErrorAsync(context, request, started, response, cancellationToken);
                return;
            }

            JsonDocument answer;
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                answer = await JsonDocument.ParseAsync(stream, default, cancellationToken);
            }
            catch (JsonException ex)
            {
                await FailAsync(context, request, started, 502, "upstream_invalid_response", $"vLLM answered {(int)response.StatusCode} with a body that is not JSON: {ex.Message}", (int)response.StatusCode);
                return;
            }
            catch (Exception ex) when (!aborted.IsCancellationRequested && ex is HttpRequestException or OperationCanceledException or IOException)
            {
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
                    await FailAsync(context, request, started, 502, "upstream_invalid_response", "vLLM answered with JSON that is not a chat completion object.", (int)response.StatusCode);
                    return;
                }

                var completion = UpstreamCompletion.Read(answer.RootElement, request.Tools);
                if (completion.Format is { } format && format != ToolCallFormat.Native)
                {
                    LogExtracted(_logger, completion.ToolCallCount, format);
                }

                await WriteCompletionAsync(context, request, completion, preambleSent, aborted);
                Publish(request, request.Stream ? CompletionPath.Rewrapped : CompletionPath.Json, started, (int)response.StatusCode, completion);
            }
        }
    }

    private async Task RelayErrorAsync(HttpContext context, ChatRequest request, long started, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var errorBody = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (context.Response.HasStarted)
        {
            await SseWriter.WriteErrorAndDoneAsync(context.Response, errorBody, context.RequestAborted);
        }
        else
        {
            // vLLM's own error (400 context length, 404 model, ...) is more useful than anything we could say.
            UpstreamRequestFactory.CopyResponseHeaders(response, context.Response, bodyRewritten: false);
            await context.Response.Body.WriteAsync(errorBody, context.RequestAborted);
        }

        PublishFailure(request, CompletionPath.UpstreamError, started, (int)response.StatusCode, ErrorMessage(errorBody), answered: true);
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
        var (status, type, message) = UpstreamFailure.Describe(exception, _requests.BaseUri, _options.UpstreamTimeout);
        return FailAsync(context, request, started, status, type, message, upstreamStatus: null);
    }

    private async Task FailAsync(HttpContext context, ChatRequest request, long started, int status, string type, string message, int? upstreamStatus)
    {
        LogUpstreamFailed(_logger, status, message);
        await OpenAiError.WriteResponseAsync(context, status, message, type, request.Stream, context.RequestAborted);
        PublishFailure(request, CompletionPath.UpstreamUnavailable, started, upstreamStatus, message, answered: true);
    }

    private async Task RejectAsync(HttpContext context, long started, int status, string message)
    {
        await OpenAiError.WriteResponseAsync(context, status, message, "invalid_request_error", asSse: false, context.RequestAborted);
        PublishFailure(request: null, CompletionPath.BadRequest, started, upstreamStatus: null, message, answered: true);
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

    private static string ErrorMessage(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error))
            {
                return error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) ? m.ToString() : error.ToString();
            }
        }
        catch (JsonException)
        {
        }

        return System.Text.Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 300)));
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
