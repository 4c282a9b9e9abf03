using Microsoft.AspNetCore.Http;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.Proxy.Backends;
using OpsBot.ProxyCore.Proxy.Sse;
using OpsBot.ProxyCore.Proxy.Upstream;

namespace OpsBot.ProxyCore.Proxy.Chat;

/// <summary>
/// <c>POST /v1/chat/completions</c>: the one route the proxy changes. Streaming requests with tools
/// (every OpenClaw request) are answered either from a vLLM stream with tool calls held back
/// (<see cref="ToolStreamingMode.Stream"/>) or, as v4 did, from a non-streaming call re-wrapped as SSE.
/// </summary>
/// <remarks>
/// A request goes through these stages; each may end it with an answer, and every request ends as exactly one
/// <see cref="CompletionEvent"/>, which the stages fill in through a per-request <see cref="CompletionEventRecorder"/>
/// and which is published here, after the client has its answer:
/// <code>
///    (1) Accept: anything but POST gets 405                                 <see cref="ChatRequestReader"/>
///    (2) Read the body within Proxy:MaxBufferedRequestBytes: 413/400/408
///        in OpenAI's shape; a client that leaves while waiting is recorded
///    (3) Parse and check it (JSON, model, messages, tools, stream, UTF-8):
///        400 naming the field; nothing malformed reaches vLLM
///    (4) Loop guard: a looping agent gets the proxy's own answer, no vLLM  <see cref="LoopGuard"/>
///    (5) Normalise: note what vLLM needs changed (developer role, ...)      <see cref="ChatRequestReader.Normalize"/>
///    (6) Route:
///        (6-A) stream, no tools: vLLM's stream relayed as it comes          <see cref="PassthroughForwarder"/>
///        (6-B) stream with tools, Proxy:ToolStreaming=stream, one choice:   <see cref="StreamingToolCompletion"/>
///              text forwarded as it arrives, tool calls held back and validated. It ends in one of:
///              (6-B-1) done: the client has the whole answer. A stream that broke after text went out
///                      is continued: vLLM asked (not streaming) to carry on     <see cref="StreamContinuation"/>
///                      exactly that text, only the rest sent; an error event after the text if that fails
///              (6-B-2) failed: vLLM down or silent for the whole timeout, 502/504, not asked twice
///              (6-B-3) handed off: an error status or plain JSON, answered by (7-B) as it is
///              (6-B-4) fallback: the stream broke or its calls do not validate, or its answer was empty
///                      (a retry of Proxy:EmptyAnswerRetries), asked again by (7) within what is left of
///                      Proxy:UpstreamTimeout, sending only what is missing
///        (6-C) anything else: (7)
///    (7) Buffered, v4's way:                                                <see cref="BufferedCompletion"/>
///        (7-A) ask vLLM without streaming, waiting while it restarts (unless text already went out)
///        (7-B) an error status is relayed as it streams (an SSE error event after text)
///        (7-C) the whole answer is read (at most Proxy:MaxResponseBodyBytes), checked, tool calls recovered from its text;
///              an empty one (no content, no tool calls) is asked for again while Proxy:EmptyAnswerRetries
///              last (one budget with 6-B-4), then answered with <see cref="EmptyAnswerNotice"/>
///        (7-D) answered as JSON, or re-wrapped as SSE for a streaming client  <see cref="ChatResponseWriter"/>
///    (8) Publish the request's completion event (log line, /metrics, alerts, history)
/// </code>
/// </remarks>
internal sealed class ChatCompletionsHandler(
    ChatRequestReader reader,
    LoopGuard loopGuard,
    PassthroughForwarder passthrough,
    StreamingToolCompletion streaming,
    BufferedCompletion buffered,
    ChatResponseWriter responses,
    CompletionEventPublisher events)
{
    public async Task HandleAsync(HttpContext context)
    {
        var recorder = events.StartRecording();
        await HandleCoreAsync(context, recorder);
        recorder.Backend = context.Features.Get<UpstreamBackendFeature>()?.Backend.Name;
        recorder.Publish();
    }

    private async Task HandleCoreAsync(HttpContext context, CompletionEventRecorder recorder)
    {
        using var chat = await reader.ReadAsync(context, recorder);
        if (chat is null)
        {
            return;
        }

        var request = chat.Request;
        if (await loopGuard.TryAnswerAsync(context, request, recorder))
        {
            return;
        }

        reader.Normalize(chat);
        if (request.Stream && !request.HasTools)
        {
            await StreamThroughAsync(context, chat, recorder);
            return;
        }

        long? upstreamStarted = null;
        var preambleSent = false;
        if (streaming.Applies(request))
        {
            var outcome = await streaming.RunAsync(context, chat, recorder);
            if (outcome.Finished)
            {
                return;
            }

            if (outcome.Failure is { } failure)
            {
                await responses.FailUpstreamAsync(context, request, recorder, failure);
                return;
            }

            if (outcome.Response is { } handedOff)
            {
                await buffered.HandOffAsync(context, chat, recorder, handedOff, outcome.UpstreamStarted);
                return;
            }

            upstreamStarted = outcome.UpstreamStarted;
            preambleSent = outcome.PreambleSent;
        }

        await buffered.CompleteAsync(context, chat, recorder, upstreamStarted, preambleSent);
    }

    /// <summary>Stage 6-A: the client's bytes go to vLLM untouched unless vLLM needs something changed; its stream comes back as it is.</summary>
    private async Task StreamThroughAsync(HttpContext context, AcceptedChatRequest chat, CompletionEventRecorder recorder)
    {
        var body = chat.Report.Any ? chat.UpstreamBody(stream: true) : new UpstreamBody(chat.Body);
        var observer = new SseStreamObserver();
        var status = await passthrough.SendAndRelayAsync(context, body.CreateContent, chat.Request.Root, observer);
        recorder.Path = status switch
        {
            null => CompletionPath.UpstreamUnavailable,
            >= 200 and < 300 => CompletionPath.StreamPassthrough,
            _ => CompletionPath.UpstreamError,
        };
        recorder.UpstreamStatus = status;
        recorder.TimeToFirstByte = observer.FirstByteAt is { } first ? recorder.Since(first) : null;
        recorder.PromptTokens = observer.PromptTokens;
        recorder.CompletionTokens = observer.CompletionTokens;
        recorder.ToolCalls = observer.ToolCalls;
        recorder.ContentLength = observer.ContentLength;
        recorder.EmptyAnswer = status is >= 200 and < 300 && observer.Error is null && observer.ContentLength == 0 && observer.ToolCalls == 0;
        recorder.Error = observer.Error ?? (context.RequestAborted.IsCancellationRequested ? CompletionEvent.ClientDisconnected : null);
    }
}
