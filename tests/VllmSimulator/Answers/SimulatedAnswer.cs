namespace OpsBot.VllmSimulator;

/// <summary>
/// What the simulated model "generates" for one /v1/chat/completions request. The request's own
/// <c>stream</c> flag decides whether it is rendered as one v0.15 JSON body or as an SSE chunk sequence.
/// Pacing is set with <c>with { ThinkTime = ..., TokensPerSecond = ... }</c>.
/// </summary>
public abstract record SimulatedAnswer
{
    /// <summary>Delay before the first token (prefill / queueing time). Zero by default so benchmarks measure the proxy.</summary>
    public TimeSpan ThinkTime { get; init; }

    /// <summary>Decode speed; null streams as fast as the client reads.</summary>
    public double? TokensPerSecond { get; init; }

    /// <summary>Holds generation at a point until the test releases it (see <see cref="AnswerGate"/>); null = no hold.</summary>
    public AnswerGate? Gate { get; init; }

    /// <summary>Plain assistant text. <paramref name="completionTokens"/> overrides the delta count in usage.</summary>
    public static SimulatedAnswer Text(string content, string finishReason = "stop", int? completionTokens = null) =>
        new TextAnswer(content, finishReason, completionTokens);

    /// <summary>Calls the qwen3_coder parser recognised (native <c>tool_calls</c>), with optional prose before them.</summary>
    public static SimulatedAnswer ToolCalls(string? preamble, params SimulatedToolCall[] calls) =>
        new ToolCallsAnswer(preamble, calls);

    /// <summary>
    /// The parser-missed case (#22975, <c>tool_choice:"none"</c>): the calls rendered as Qwen3-Coder XML and left in
    /// <c>content</c> with <c>tool_calls: []</c> and finish_reason <c>stop</c>.
    /// </summary>
    public static SimulatedAnswer QwenXmlInContent(string? preamble, params SimulatedToolCall[] calls) =>
        new TextAnswer(QwenXml.Render(preamble, calls), "stop", null);

    /// <summary>Empty content (the "No reply" case); vLLM normally reports 1 token for an immediate EOS.</summary>
    public static SimulatedAnswer Empty(int completionTokens = 0) =>
        new TextAnswer(string.Empty, "stop", completionTokens);

    /// <summary>Error body sent verbatim with the status, before any streaming starts.</summary>
    public static SimulatedAnswer Error(int status, string bodyJson) => new ErrorAnswer(status, bodyJson);

    /// <summary>
    /// vLLM #34322: HTTP 200 stream with some deltas, then <c>data: {"error":...}</c> and <c>[DONE]</c>,
    /// no finish and no usage chunk. A non-streaming request gets <paramref name="contentBefore"/> as a normal answer.
    /// </summary>
    public static SimulatedAnswer MidStreamError(string contentBefore = "") => new MidStreamErrorAnswer(contentBefore);

    /// <summary>
    /// vLLM #34322 as v0.15 shows it with Qwen3-Coder-Next: optional prose, then the call's header and <c>{</c>, then
    /// the error event and <c>[DONE]</c>. A non-streaming request gets the prose and the call as a normal answer.
    /// </summary>
    public static SimulatedAnswer MidStreamErrorInToolCall(string? preamble, SimulatedToolCall call) =>
        new MidStreamErrorAnswer(preamble ?? string.Empty) { ToolCallStarted = call };

    /// <summary>Fixture replay: the JSON body verbatim, whatever the request's stream flag.</summary>
    public static SimulatedAnswer RawJson(string json, int status = 200) => new RawJsonAnswer(json, status);

    /// <summary>Fixture replay: the SSE text verbatim, flushed event by event (paced by <see cref="TokensPerSecond"/>).</summary>
    public static SimulatedAnswer RawSse(string sse) => new RawSseAnswer(sse);

    /// <summary>Connection reset: after the headers and a first chunk when streaming, before any response otherwise.</summary>
    public static SimulatedAnswer Drop() => new DropAnswer();

    /// <summary>Never answers (no headers) until the client goes away or the server stops.</summary>
    public static SimulatedAnswer Stall() => new StallAnswer(AfterHeaders: false, ContentBefore: string.Empty);

    /// <summary>Streams headers, the role chunk and <paramref name="contentBefore"/>, then hangs (a wedged engine).</summary>
    public static SimulatedAnswer StallMidStream(string contentBefore = "") => new StallAnswer(AfterHeaders: true, contentBefore);

    /// <summary>HTTP 200 whose body is not JSON (non-stream) or not valid SSE (stream).</summary>
    public static SimulatedAnswer Garbage() => new GarbageAnswer();
}
