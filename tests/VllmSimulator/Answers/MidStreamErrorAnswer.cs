namespace OpsBot.VllmSimulator;

/// <summary>
/// The #34322 failure: the stream generator raises after streaming started. Only the streaming path has the bug;
/// a non-streaming request for the same turn is answered normally (the text, or the call when
/// <see cref="ToolCallStarted"/> is set).
/// </summary>
public sealed record MidStreamErrorAnswer(string ContentBefore) : SimulatedAnswer
{
    /// <summary>When set, the stream gets this call's header and its <c>{</c> before the error event (the usual v0.15 shape).</summary>
    public SimulatedToolCall? ToolCallStarted { get; init; }

    /// <summary>The error event's JSON; defaults to the IndexError seen on v0.15.0.</summary>
    public string ErrorJson { get; init; } =
        """{"error":{"message":"list index out of range","type":"BadRequestError","param":null,"code":400}}""";
}
