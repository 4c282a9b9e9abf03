using OpsBot.ProxyCore.Events;

namespace OpsBot.ProxyCore.Proxy.Chat;

/// <summary>
/// Result of answering from a vLLM stream: the finished event, a reason to ask again without streaming (and
/// whether the client already has the role chunk and some text), a response to hand over, or a failure to report.
/// </summary>
public sealed record StreamingOutcome(CompletionEvent? Completion, string? FallbackReason, bool PreambleSent, HttpResponseMessage? Response = null, Exception? Failure = null)
{
    public static StreamingOutcome Done(CompletionEvent completion) => new(completion, null, false);

    public static StreamingOutcome Fallback(string reason, bool preambleSent) => new(null, reason, preambleSent);

    /// <summary>vLLM answered with an error status or plain JSON: the buffered path handles that response as it is (owns it).</summary>
    public static StreamingOutcome Handoff(HttpResponseMessage response) => new(null, null, false, response);

    /// <summary>vLLM could not be reached or stayed silent for the whole timeout before anything was sent: the client gets that error, no second try.</summary>
    public static StreamingOutcome Failed(Exception failure) => new(null, null, false, Failure: failure);
}
