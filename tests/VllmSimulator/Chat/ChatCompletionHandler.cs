using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using OpsBot.VllmSimulator.Endpoints;

namespace OpsBot.VllmSimulator.Chat;

/// <summary>POST /v1/chat/completions: validate like vLLM, take the next answer, render it for the request's stream flag.</summary>
internal sealed class ChatCompletionHandler(SimulatorState state)
{
    private const string SseContentType = "text/event-stream; charset=utf-8";
    private const string JsonContentType = "application/json";
    private static readonly TimeSpan DropGrace = TimeSpan.FromMilliseconds(50);

    private readonly ChatRequestValidator _validator = new(state.Options.ModelName, state.Options.MaxModelLen);

    public async Task HandleAsync(HttpContext context, RecordedRequest record, ReadOnlyMemory<byte> body, CancellationToken serverStopping)
    {
        var rejection = _validator.Validate(
            context.Request.ContentType,
            body,
            context.Request.Headers["X-Request-Id"].ToString(),
            out var info);
        if (rejection is not null)
        {
            record.StatusCode = rejection.Status;
            state.Metrics.ChatResponded(rejection.Status);
            await HttpWrites.JsonAsync(context, rejection.Status, rejection.Body, context.RequestAborted).ConfigureAwait(false);
            record.MarkCompleted(state.Time.GetUtcNow());
            return;
        }

        var answer = state.NextAnswer();
        if (answer is TextAnswer text && info!.ContinuedText is { Length: > 0 } written && text.Content.StartsWith(written, StringComparison.Ordinal))
        {
            // The model carries on the message it was given: the answer holds only what it adds (docs/vllm-behaviour.md).
            answer = text with { Content = text.Content[written.Length..] };
        }

        if (state.PrefixCache is { } cache)
        {
            // Prompt processing of what the prefix cache does not hold comes before the answer's own think time.
            var (prompt, cached) = cache.Admit(body);
            state.Metrics.PrefixCacheQueried(prompt, cached);
            var prefill = state.Prefill is { } queue
                ? queue.Reserve(prompt - cached)
                : TimeSpan.FromSeconds((prompt - cached) / state.Options.PrefillTokensPerSecond!.Value);
            answer = answer with { ThinkTime = answer.ThinkTime + prefill };
        }

        record.Answer = answer;
        var watch = new AbortWatch(record, state);
        var started = state.Time.GetTimestamp();
        var outcome = new ChatOutcome(200, "abort", 0);
        using var registration = watch.Watch(context.RequestAborted);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, serverStopping);
        var entered = false;
        try
        {
            await state.EnterAsync(linked.Token).ConfigureAwait(false);
            entered = true;
            outcome = await ExecuteAsync(context, answer, info!, watch, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            if (serverStopping.IsCancellationRequested && !watch.ClientAborted)
            {
                // A restarting vLLM resets its connections rather than finishing them.
                watch.MarkSelfInflicted();
                context.Abort();
            }
        }
        finally
        {
            if (entered)
            {
                state.Leave();
            }
        }

        if (watch.ClientAborted)
        {
            outcome = outcome with { FinishReason = "abort" };
        }
        else if (outcome.FinishReason != "abort")
        {
            record.MarkCompleted(state.Time.GetUtcNow());
        }

        record.StatusCode = outcome.Status;
        state.Metrics.ChatResponded(outcome.Status);
        state.Metrics.RequestFinished(outcome.FinishReason, info!.PromptTokens, outcome.CompletionTokens, state.Time.GetElapsedTime(started));
    }

    private Task<ChatOutcome> ExecuteAsync(HttpContext context, SimulatedAnswer answer, ChatRequestInfo info, AbortWatch watch, CancellationToken cancellationToken)
    {
        var pacer = new Pacer(state.Time, answer.ThinkTime, answer.TokensPerSecond);
        return answer switch
        {
            TextAnswer text => GenerateAsync(context, TurnPlanner.ForText(text, info.MaxTokens), info, answer.Gate, pacer, cancellationToken),
            ToolCallsAnswer calls => GenerateAsync(context, ToolCallPlanner.Plan(calls, state.Options.CurrentShape, info.MaxTokens, info.ToolChoice), info, answer.Gate, pacer, cancellationToken),
            ErrorAnswer error => RespondAsync(context, error.Status, JsonContentType, error.BodyJson, pacer, cancellationToken),
            RawJsonAnswer raw => RespondAsync(context, raw.Status, JsonContentType, raw.Json, pacer, cancellationToken),
            RawSseAnswer sse => ReplaySseAsync(context, sse.Sse, pacer, cancellationToken),
            MidStreamErrorAnswer midStream => MidStreamErrorAsync(context, midStream, info, pacer, cancellationToken),
            DropAnswer => DropAsync(context, info, watch, pacer, cancellationToken),
            StallAnswer stall => StallAsync(context, stall, info, pacer, cancellationToken),
            GarbageAnswer => GarbageAsync(context, info, pacer, cancellationToken),
            _ => throw new NotSupportedException($"Unknown answer type {answer.GetType().Name}."),
        };
    }

    private static Task WaitForGateAsync(AnswerGate? gate, int sent, CancellationToken cancellationToken) =>
        gate is not null && sent == gate.AfterDeltas
            ? gate.Released.WaitAsync(cancellationToken)
            : Task.CompletedTask;

    private async Task<ChatOutcome> GenerateAsync(HttpContext context, TurnPlan plan, ChatRequestInfo info, AnswerGate? gate, Pacer pacer, CancellationToken cancellationToken)
    {
        var created = state.Time.GetUtcNow().ToUnixTimeSeconds();
        if (!info.Stream)
        {
            await pacer.ThinkAsync(cancellationToken).ConfigureAwait(false);
            await pacer.GenerateAsync(plan.CompletionTokens, cancellationToken).ConfigureAwait(false);
            await WaitForGateAsync(gate, gate?.AfterDeltas ?? 0, cancellationToken).ConfigureAwait(false);
            var buffer = new ArrayBufferWriter<byte>(1024);
            CompletionJsonWriter.Write(buffer, plan, info.ResponseId, state.Options.ModelName, created, info.PromptTokens, state.Options.CurrentShape);
            await HttpWrites.BytesAsync(context, 200, JsonContentType, buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            return new ChatOutcome(200, plan.FinishReason, plan.CompletionTokens);
        }

        var chunks = await StartStreamAsync(context, info, created, cancellationToken).ConfigureAwait(false);
        await pacer.ThinkAsync(cancellationToken).ConfigureAwait(false);
        chunks.WriteRole();
        await chunks.FlushAsync(cancellationToken).ConfigureAwait(false);
        var sent = 0;
        foreach (var delta in StreamInterval.Group(plan.Deltas, state.Options.StreamInterval))
        {
            await WaitForGateAsync(gate, sent++, cancellationToken).ConfigureAwait(false);
            await pacer.BeforeDeltaAsync(delta.Tokens, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            chunks.WriteDelta(delta);
            await chunks.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        chunks.WriteFinish(plan.FinishReason, plan.ToolCalls.Count > 0);
        await chunks.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (info.IncludeUsage)
        {
            chunks.WriteUsage(info.PromptTokens, plan.CompletionTokens);
            await chunks.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        chunks.WriteDone();
        await chunks.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new ChatOutcome(200, plan.FinishReason, plan.CompletionTokens);
    }

    private async Task<ChatOutcome> MidStreamErrorAsync(HttpContext context, MidStreamErrorAnswer answer, ChatRequestInfo info, Pacer pacer, CancellationToken cancellationToken)
    {
        var plan = answer.ToolCallStarted is { } call
            ? ToolCallPlanner.Plan(new ToolCallsAnswer(answer.ContentBefore, [call]), state.Options.CurrentShape, info.MaxTokens, info.ToolChoice)
            : TurnPlanner.ForText(new TextAnswer(answer.ContentBefore, "stop", null), info.MaxTokens);
        if (!info.Stream)
        {
            // Only chat_completion_stream_generator has the bug: the non-streaming path parses and answers normally.
            return await GenerateAsync(context, plan, info, answer.Gate, pacer, cancellationToken).ConfigureAwait(false);
        }

        var chunks = await StartStreamAsync(context, info, state.Time.GetUtcNow().ToUnixTimeSeconds(), cancellationToken).ConfigureAwait(false);
        await pacer.ThinkAsync(cancellationToken).ConfigureAwait(false);
        chunks.WriteRole();
        await chunks.FlushAsync(cancellationToken).ConfigureAwait(false);
        var sentTokens = 0;
        foreach (var delta in plan.Deltas)
        {
            await pacer.BeforeDeltaAsync(delta.Tokens, cancellationToken).ConfigureAwait(false);
            chunks.WriteDelta(delta);
            await chunks.FlushAsync(cancellationToken).ConfigureAwait(false);
            sentTokens += delta.Tokens;

            // The call's header and its "{" go out (the header carries it in the current shape), then the generator raises.
            if (delta.Kind == DeltaKind.ToolArguments || (delta.Kind == DeltaKind.ToolHeader && delta.Text.Length > 0))
            {
                break;
            }
        }

        // #34322: the generator's except-branch yields an error event and [DONE]; no finish, no usage; status stays 200.
        chunks.WriteRaw("data: " + answer.ErrorJson + "\n\n");
        await chunks.FlushAsync(cancellationToken).ConfigureAwait(false);
        chunks.WriteDone();
        await chunks.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new ChatOutcome(200, "abort", sentTokens);
    }

    private async Task<ChatOutcome> RespondAsync(HttpContext context, int status, string contentType, string body, Pacer pacer, CancellationToken cancellationToken)
    {
        await pacer.ThinkAsync(cancellationToken).ConfigureAwait(false);
        await HttpWrites.BytesAsync(context, status, contentType, Encoding.UTF8.GetBytes(body), cancellationToken).ConfigureAwait(false);
        return new ChatOutcome(status, status < 400 ? "stop" : "abort", 0);
    }

    private async Task<ChatOutcome> ReplaySseAsync(HttpContext context, string sse, Pacer pacer, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = SseContentType;
        await context.Response.StartAsync(cancellationToken).ConfigureAwait(false);
        var chunks = new SseChunkWriter(context.Response.BodyWriter, string.Empty, string.Empty, 0, state.Options.CurrentShape);
        await pacer.ThinkAsync(cancellationToken).ConfigureAwait(false);
        var events = 0;
        var position = 0;
        while (position < sse.Length)
        {
            var end = sse.IndexOf("\n\n", position, StringComparison.Ordinal);
            end = end < 0 ? sse.Length : end + 2;
            await pacer.BeforeDeltaAsync(1, cancellationToken).ConfigureAwait(false);
            chunks.WriteRaw(sse[position..end]);
            await chunks.FlushAsync(cancellationToken).ConfigureAwait(false);
            position = end;
            events++;
        }

        return new ChatOutcome(200, "stop", events);
    }

    private async Task<ChatOutcome> DropAsync(HttpContext context, ChatRequestInfo info, AbortWatch watch, Pacer pacer, CancellationToken cancellationToken)
    {
        if (info.Stream)
        {
            var chunks = await StartStreamAsync(context, info, state.Time.GetUtcNow().ToUnixTimeSeconds(), cancellationToken).ConfigureAwait(false);
            await pacer.ThinkAsync(cancellationToken).ConfigureAwait(false);
            chunks.WriteRole();
            chunks.WriteDelta(new PlannedDelta(DeltaKind.Content, "Let".AsMemory(), 1));
            await chunks.FlushAsync(cancellationToken).ConfigureAwait(false);

            // Kestrel's flush only hands bytes to the transport; aborting at once would discard them, and the
            // point of this fault is a client that already saw headers and a first chunk.
            await Task.Delay(DropGrace, cancellationToken).ConfigureAwait(false); // transport time, not model time
        }
        else
        {
            await pacer.ThinkAsync(cancellationToken).ConfigureAwait(false);
        }

        watch.MarkSelfInflicted();
        context.Abort();
        return new ChatOutcome(200, "abort", info.Stream ? 1 : 0);
    }

    private async Task<ChatOutcome> StallAsync(HttpContext context, StallAnswer answer, ChatRequestInfo info, Pacer pacer, CancellationToken cancellationToken)
    {
        if (answer.AfterHeaders && info.Stream)
        {
            var plan = TurnPlanner.ForText(new TextAnswer(answer.ContentBefore, "stop", null), maxTokens: null);
            var chunks = await StartStreamAsync(context, info, state.Time.GetUtcNow().ToUnixTimeSeconds(), cancellationToken).ConfigureAwait(false);
            await pacer.ThinkAsync(cancellationToken).ConfigureAwait(false);
            chunks.WriteRole();
            foreach (var delta in plan.Deltas)
            {
                chunks.WriteDelta(delta);
            }

            await chunks.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        return new ChatOutcome(200, "abort", 0);
    }

    private async Task<ChatOutcome> GarbageAsync(HttpContext context, ChatRequestInfo info, Pacer pacer, CancellationToken cancellationToken)
    {
        await pacer.ThinkAsync(cancellationToken).ConfigureAwait(false);
        if (!info.Stream)
        {
            await HttpWrites.BytesAsync(context, 200, JsonContentType, "<html><body><h1>502 Bad Gateway</h1></body></html>\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            return new ChatOutcome(200, "stop", 0);
        }

        var chunks = await StartStreamAsync(context, info, state.Time.GetUtcNow().ToUnixTimeSeconds(), cancellationToken).ConfigureAwait(false);
        chunks.WriteRaw("data: {\"id\":\"" + info.ResponseId + "\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\n\n");
        await chunks.FlushAsync(cancellationToken).ConfigureAwait(false);
        chunks.WriteRaw("<html><body><h1>502 Bad Gateway</h1></body></html>\n\ndata: \u0000\u0001not json\n\n");
        await chunks.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new ChatOutcome(200, "stop", 0);
    }

    private async Task<SseChunkWriter> StartStreamAsync(HttpContext context, ChatRequestInfo info, long created, CancellationToken cancellationToken)
    {
        // Starlette sends the 200 and headers before the engine produces anything; the role chunk follows the first token.
        context.Response.StatusCode = 200;
        context.Response.ContentType = SseContentType;
        await context.Response.StartAsync(cancellationToken).ConfigureAwait(false);
        await context.Response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new SseChunkWriter(context.Response.BodyWriter, info.ResponseId, state.Options.ModelName, created, state.Options.CurrentShape);
    }
}
