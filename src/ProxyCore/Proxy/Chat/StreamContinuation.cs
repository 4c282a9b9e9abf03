using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.ProxyCore.Proxy.Upstream;

namespace OpsBot.ProxyCore.Proxy.Chat;

/// <summary>
/// Finishes an answer whose vLLM stream broke after text reached the client (v0.15's <c>IndexError</c> event, #34322; a cut
/// connection; no <c>[DONE]</c>): vLLM is asked once more, without streaming, to carry on an assistant message holding
/// exactly the text the client has (<c>continue_final_message</c>), and only what it adds goes into the same client stream.
/// </summary>
/// <remarks>
/// The Python proxy never streamed from vLLM, so it gave the whole answer in that case; cutting the answer with an error
/// event was the price of streaming. The continuation's text goes through <see cref="UpstreamCompletion.Read"/>, so tool
/// calls the model writes in it are recovered as usual. Text the hold-back scanner still held was never sent: the model
/// writes it again.
/// </remarks>
internal sealed partial class StreamContinuation(
    UpstreamSender sender,
    TimeProvider time,
    IOptions<ProxyOptions> options,
    ILogger<StreamContinuation> logger)
{
    private readonly ProxyOptions _options = options.Value;

    /// <summary>Asks for the rest of the answer and sends it (content, tool calls, finish, usage, <c>[DONE]</c>) after what <paramref name="state"/> sent.</summary>
    /// <param name="upstreamStarted">When the stream was asked for: the continuation gets what is left of <see cref="ProxyOptions.UpstreamTimeout"/>.</param>
    /// <returns>Null when the client has the whole answer; otherwise why the continuation failed, and nothing more was sent.</returns>
    /// <exception cref="OperationCanceledException">The client left.</exception>
    public async Task<string?> TryAsync(HttpContext context, AcceptedChatRequest chat, ToolStreamState state, long upstreamStarted)
    {
        var aborted = context.RequestAborted;
        var left = _options.UpstreamTimeout - time.GetElapsedTime(upstreamStarted);
        if (left <= TimeSpan.Zero)
        {
            return $"no time left of Proxy:UpstreamTimeout ({_options.UpstreamTimeout.TotalSeconds:0} s) to continue the answer";
        }

        LogContinuing(logger, state.Error!, state.Sent.Length);
        var body = chat.ContinuationBody(state.Sent.ToString());
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(left);
        try
        {
            // Text already reached the client: no wait for a restarting vLLM, as for any request in that state.
            using var response = await sender.SendAsync(context.Request, body.CreateContent, chat.Request.Root, canRetry: false, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                await using var error = await response.Content.ReadAsStreamAsync(timeout.Token);
                return $"vLLM answered {(int)response.StatusCode}: {(await UpstreamExcerpt.ReadAsync(error, timeout.Token)).Message()}";
            }

            var (completion, answer) = await UpstreamAnswerReader.ReadAsync(response, _options.MaxResponseBodyBytes, chat.Request.Tools, timeout.Token);
            using (answer)
            {
                if (completion.IsEmpty || completion.Choices.Count == 0)
                {
                    return "vLLM's continuation was empty";
                }

                await SendAsync(state, completion, aborted);
                return null;
            }
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested
            && ex is HttpRequestException or OperationCanceledException or IOException or UpstreamUnavailableException or JsonException or InvalidDataException)
        {
            return ex is OperationCanceledException
                ? $"vLLM did not answer within what was left of Proxy:UpstreamTimeout ({left.TotalSeconds:0} s)"
                : ex.Message;
        }
    }

    private static async Task SendAsync(ToolStreamState state, UpstreamCompletion completion, CancellationToken cancellationToken)
    {
        var emitter = state.Emitter!;
        var choice = completion.Choices[0];
        // The whole rest is at hand: one send at [DONE].
        emitter.Defer = true;
        if (!string.IsNullOrEmpty(choice.Content))
        {
            await emitter.ContentAsync(0, choice.Content, cancellationToken);
            state.ContentLength += choice.Content.Length;
        }

        for (var i = 0; i < choice.ToolCalls.Count; i++)
        {
            await emitter.ToolCallAsync(0, choice.ToolCalls[i], i, cancellationToken);
        }

        await emitter.FinishAsync(0, choice.ToolCalls.Count > 0 ? "tool_calls" : choice.FinishReason ?? "stop", cancellationToken);
        if (completion.Root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            await emitter.UsageAsync(usage, cancellationToken);
        }

        await emitter.DoneAsync(cancellationToken);
        state.ToolCalls = choice.ToolCalls.Count;
        state.Format = choice.Format;
        state.PromptTokens = completion.PromptTokens;
        state.CompletionTokens = completion.CompletionTokens;
    }

    [LoggerMessage(EventId = ProxyEventIds.StreamContinuationStarted, Level = LogLevel.Warning, Message = "vLLM's stream broke after text went out ({Reason}); asking it to continue the {Sent} characters sent, without streaming")]
    private static partial void LogContinuing(ILogger logger, string reason, int sent);
}
