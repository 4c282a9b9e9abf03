namespace OpsBot.ProxyCore.Proxy.Chat;

/// <summary>
/// Result of answering from a vLLM stream: done (the recorder has the event), a reason to ask again without streaming
/// (and whether the client already has the role chunk and some text), a response to hand over, or a failure to report.
/// </summary>
/// <param name="UpstreamStarted">When the stream was asked for: what follows gets only what is left of <see cref="ProxyOptions.UpstreamTimeout"/>.</param>
internal readonly record struct StreamingOutcome(bool Finished, string? FallbackReason, bool PreambleSent, HttpResponseMessage? Response = null, Exception? Failure = null, long UpstreamStarted = 0)
{
    public static StreamingOutcome Done => new(true, null, false);

    public static StreamingOutcome Fallback(string reason, bool preambleSent) => new(false, reason, preambleSent);

    /// <summary>vLLM answered with an error status or plain JSON: the buffered path handles that response as it is (owns it).</summary>
    public static StreamingOutcome Handoff(HttpResponseMessage response) => new(false, null, false, response);

    /// <summary>vLLM could not be reached or stayed silent for the whole timeout before anything was sent: the client gets that error, no second try.</summary>
    public static StreamingOutcome Failed(Exception failure) => new(false, null, false, Failure: failure);
}
