using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.ToolCalls;
using OpsBot.ProxyCore.Proxy.Sse;
using OpsBot.ProxyCore.Proxy.Upstream;

namespace OpsBot.ProxyCore.Proxy.Chat;

/// <summary>
/// <see cref="ToolStreamingMode.Stream"/>: asks vLLM to stream, forwards text deltas the moment they
/// arrive and holds back only what may be a tool call (text markers via <see cref="StreamingToolCallScanner"/>,
/// structured deltas via <see cref="ToolCallAccumulator"/>), then sends the calls, finish and usage.
/// Anything vLLM's streaming gets wrong before the client has seen text is retried the v4 way.
/// </summary>
internal sealed partial class StreamingToolCompletion(
    UpstreamSender sender,
    StreamContinuation continuation,
    TimeProvider time,
    IOptions<ProxyOptions> options,
    ILogger<StreamingToolCompletion> logger)
{
    private static ReadOnlySpan<byte> DoneMarker => "[DONE]"u8;

    private readonly TimeProvider _time = time;
    private readonly ProxyOptions _options = options.Value;
    private readonly ILogger<StreamingToolCompletion> _logger = logger;

    /// <summary>Whether this stage answers <paramref name="request"/> (a streaming request with tools): one choice, and <see cref="ToolStreamingMode.Stream"/>.</summary>
    public bool Applies(ChatRequest request) => request.Stream && _options.ToolStreaming == ToolStreamingMode.Stream && request.Choices == 1;

    /// <summary>Stage 6-B of <see cref="ChatCompletionsHandler"/>.</summary>
    public async Task<StreamingOutcome> RunAsync(HttpContext context, AcceptedChatRequest chat, CompletionEventRecorder recorder)
    {
        var upstreamStarted = _time.GetTimestamp();
        var outcome = await StreamAsync(context, chat, recorder, upstreamStarted);
        if (outcome.FallbackReason is { } reason)
        {
            LogFallback(_logger, reason, outcome.PreambleSent);
        }

        return outcome with { UpstreamStarted = upstreamStarted };
    }

    private async Task<StreamingOutcome> StreamAsync(HttpContext context, AcceptedChatRequest chat, CompletionEventRecorder recorder, long upstreamStarted)
    {
        var request = chat.Request;
        var aborted = context.RequestAborted;
        var body = chat.UpstreamBody(stream: true, forceUsage: true);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        idle.CancelAfter(_options.UpstreamTimeout);

        HttpResponseMessage response;
        try
        {
            response = await sender.SendAsync(context.Request, body.CreateContent, request.Root, canRetry: true, idle.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or UpstreamUnavailableException || (ex is OperationCanceledException && !aborted.IsCancellationRequested))
        {
            // vLLM is down, or silent for the whole UpstreamTimeout: asking again without streaming would only wait as long again.
            return StreamingOutcome.Failed(ex);
        }
        catch (OperationCanceledException)
        {
            recorder.Failed(CompletionPath.Streamed, CompletionEvent.ClientDisconnected, answered: false);
            return StreamingOutcome.Done;
        }

        if (!response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            // Error statuses (400 context length...) and JSON answers to a stream request: the buffered path relays or re-wraps them.
            return StreamingOutcome.Handoff(response);
        }

        using (response)
        {
            using var state = new ToolStreamState(request.Tools);
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(idle.Token);
                await foreach (var sse in SseEventReader.ReadAsync(stream, _options.MaxSseEventBytes, idle.Token))
                {
                    idle.CancelAfter(_options.UpstreamTimeout);
                    if (sse.Data.Span.SequenceEqual(DoneMarker))
                    {
                        state.SawDone = true;
                        break;
                    }

                    state.MoreBuffered = sse.MoreBuffered;
                    // Held-back text and tool-call arguments grow with the answer: bounded like a whole answer is.
                    if ((state.Received += sse.Data.Length) > _options.MaxResponseBodyBytes)
                    {
                        state.CanContinue = false;
                        throw new UpstreamStreamException($"vLLM's streamed answer is larger than the proxy's limit of {_options.MaxResponseBodyBytes} bytes (Proxy:MaxResponseBodyBytes).");
                    }

                    if (!JsonTextValidity.IsValid(sse.Data.Span))
                    {
                        // Reading its strings would throw; to the client it is as unreadable as garbage.
                        throw new UpstreamStreamException("vLLM sent an event that is not valid UTF-8 text.");
                    }

                    using var chunk = JsonDocument.Parse(sse.Data);
                    if (await OnChunkAsync(context, state, chunk.RootElement, recorder, aborted) is { } upstreamError)
                    {
                        state.Error = upstreamError;
                        break;
                    }

                    if (!sse.MoreBuffered)
                    {
                        // The last chunk at hand may have produced nothing (held back); what earlier ones produced goes now.
                        await SendPendingAsync(state, aborted);
                    }
                }

                await SendPendingAsync(state, aborted);
            }
            catch (Exception ex) when (aborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
            {
                state.RecordClientLeft(recorder);
                return StreamingOutcome.Done;
            }
            catch (OperationCanceledException ex) when (!context.Response.HasStarted)
            {
                // Silent for UpstreamTimeout before any text went out: a 504, not a second wait as long.
                return StreamingOutcome.Failed(ex);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException or JsonException or UpstreamStreamException)
            {
                state.Error = ex switch
                {
                    JsonException json => $"vLLM sent a chunk that is not JSON: {json.Message}",
                    UpstreamStreamException broken => broken.Message,
                    OperationCanceledException => $"vLLM sent nothing for {_options.UpstreamTimeout.TotalSeconds:0} s (Proxy:UpstreamTimeout).",
                    _ => $"vLLM stream broke: {ex.Message}",
                };
                try
                {
                    await SendPendingAsync(state, aborted);
                }
                catch (Exception sendFailure) when (aborted.IsCancellationRequested && sendFailure is OperationCanceledException or IOException)
                {
                    state.RecordClientLeft(recorder);
                return StreamingOutcome.Done;
                }
            }

            if (state.Error is null && !state.SawDone)
            {
                state.Error = "vLLM stream ended without [DONE]";
            }

            if (state.Error is not null)
            {
                if (!context.Response.HasStarted)
                {
                    return StreamingOutcome.Fallback(state.Error, preambleSent: false);
                }

                if (state.NativeCalls.Count > 0)
                {
                    // vLLM v0.15's IndexError (#34322) comes right after a call's header and "{", usually after prose:
                    // the text is out, the call is what is missing. As with calls that do not validate, ask again and
                    // send only the calls (nothing of them reached the client).
                    return StreamingOutcome.Fallback(state.Error, preambleSent: true);
                }

                // Text already reached the client: vLLM is asked to carry on from exactly that text, or, if it cannot, the
                // client gets an honest error rather than a silently different second answer.
                try
                {
                    if (state.CanContinue)
                    {
                        if (await continuation.TryAsync(context, chat, state, upstreamStarted) is not { } failed)
                        {
                            state.RecordFinished(recorder, emptyAnswer: false, error: null, continued: true);
                            return StreamingOutcome.Done;
                        }

                        state.Error += $"; continuing it failed: {failed}";
                    }

                    await SseWriter.WriteErrorAndDoneAsync(context.Response, OpenAiError.ToJson(state.Error, "upstream_error", 502), aborted);
                }
                catch (Exception ex) when (aborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
                {
                    state.RecordClientLeft(recorder);
                    return StreamingOutcome.Done;
                }

                state.RecordFinished(recorder, emptyAnswer: false, state.Error);
                return StreamingOutcome.Done;
            }

            var calls = state.NativeCalls.Complete(request.Tools);
            if (calls is null)
            {
                return StreamingOutcome.Fallback("vLLM streamed tool calls that do not validate", context.Response.HasStarted);
            }

            var extraction = state.Holdback.Complete();
            var allCalls = calls.Concat(extraction.Calls).ToList();
            var empty = state.ContentLength == 0 && string.IsNullOrWhiteSpace(extraction.RemainingContent) && allCalls.Count == 0;
            if (empty && !context.Response.HasStarted && recorder.EmptyRetries < _options.EmptyAnswerRetries)
            {
                // Nothing went out (headers wait for the first text): asked again the v4 way, with the retries left.
                recorder.EmptyRetries++;
                return StreamingOutcome.Fallback("vLLM's answer was empty (no content, no tool calls)", preambleSent: false);
            }

            state.Format = calls.Count > 0 ? ToolCallFormat.Native : extraction.Format;
            // The end of the answer is known whole: one send at [DONE].
            state.MoreBuffered = true;
            await EnsureStartedAsync(context, state, aborted);
            if (!string.IsNullOrEmpty(extraction.RemainingContent))
            {
                await state.Emitter!.ContentAsync(0, extraction.RemainingContent, aborted);
                state.ContentLength += extraction.RemainingContent.Length;
            }

            for (var i = 0; i < allCalls.Count; i++)
            {
                await state.Emitter!.ToolCallAsync(0, allCalls[i], i, aborted);
            }

            await state.Emitter!.FinishAsync(0, allCalls.Count > 0 ? "tool_calls" : state.FinishReason ?? "stop", aborted);
            if (state.Usage is { } usage)
            {
                await state.Emitter.UsageAsync(usage, aborted);
            }

            await state.Emitter.DoneAsync(aborted);
            state.ToolCalls = allCalls.Count;
            if (extraction.Found)
            {
                LogExtracted(_logger, extraction.Calls.Count, extraction.Format!.Value);
            }

            state.RecordFinished(recorder, emptyAnswer: empty, error: null);
            return StreamingOutcome.Done;
        }
    }

    /// <returns>An error message when the chunk is vLLM's in-band error event.</returns>
    private async Task<string?> OnChunkAsync(HttpContext context, ToolStreamState state, JsonElement chunk, CompletionEventRecorder recorder, CancellationToken cancellationToken)
    {
        if (chunk.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (chunk.TryGetProperty("error", out var error))
        {
            // vLLM's text, so cut: it goes to the log and the completion event.
            return UpstreamExcerpt.Cut(error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) ? $"vLLM error mid-stream: {message}" : $"vLLM error mid-stream: {error}");
        }

        state.Header ??= ChunkHeader.From(chunk, _time);
        if (chunk.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            state.Usage = usage.Clone();
            if (usage.TryGetProperty("prompt_tokens", out var p) && p.TryGetInt32(out var prompt)) state.PromptTokens = prompt;
            if (usage.TryGetProperty("completion_tokens", out var c) && c.TryGetInt32(out var completion)) state.CompletionTokens = completion;
        }

        if (!chunk.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var choice in choices.EnumerateArray())
        {
            if (choice.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String)
            {
                state.FinishReason = finish.GetString();
            }

            if (!choice.TryGetProperty("delta", out var delta) || delta.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (delta.TryGetProperty("tool_calls", out var toolCalls) && toolCalls.ValueKind == JsonValueKind.Array)
            {
                state.NativeCalls.Add(toolCalls);
            }

            if (delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String && content.GetString() is { Length: > 0 } text)
            {
                var forward = state.Holdback.Feed(text);
                if (forward.Length > 0)
                {
                    await EnsureStartedAsync(context, state, cancellationToken);
                    state.FirstByte ??= recorder.Elapsed;
                    state.ContentLength += forward.Length;
                    state.Sent.Append(forward);
                    await state.Emitter!.ContentAsync(0, forward, cancellationToken);
                }
            }
        }

        return null;
    }

    /// <summary>Whatever comes next (error event, fallback, the final chunks) must follow the text the client was sent.</summary>
    private static ValueTask SendPendingAsync(ToolStreamState state, CancellationToken cancellationToken)
    {
        if (state.Emitter is not { } emitter)
        {
            return ValueTask.CompletedTask;
        }

        emitter.Defer = false;
        return emitter.SendPendingAsync(cancellationToken);
    }

    private static async Task EnsureStartedAsync(HttpContext context, ToolStreamState state, CancellationToken cancellationToken)
    {
        if (state.Emitter is not null)
        {
            return;
        }

        // Headers wait for the first text: until then a failed stream can still be retried invisibly.
        context.Response.StatusCode = StatusCodes.Status200OK;
        SseWriter.SetHeaders(context.Response);
        state.Emitter = new SseChunkEmitter(context.Response.Body, state.Header!) { Defer = state.MoreBuffered };
        await state.Emitter.RoleAsync(0, cancellationToken);
    }

    [LoggerMessage(EventId = ProxyEventIds.StreamingToolCompletionExtracted, Level = LogLevel.Information, Message = "Recovered {Count} tool call(s) left as {Format} text in a streamed answer")]
    private static partial void LogExtracted(ILogger logger, int count, ToolCallFormat format);

    [LoggerMessage(EventId = ProxyEventIds.StreamingToolCompletionFallback, Level = LogLevel.Warning,
        Message = "Streamed answer unusable ({Reason}); asking vLLM again without streaming (text already sent: {PreambleSent})")]
    private static partial void LogFallback(ILogger logger, string reason, bool preambleSent);
}
