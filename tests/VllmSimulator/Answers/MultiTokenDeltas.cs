namespace OpsBot.VllmSimulator;

/// <summary>
/// What the legacy qwen3_coder streaming parser does to a tool call when one engine step carries several tokens
/// (<c>--stream-interval N</c>, MTP / speculative decoding): it emits at most one event per step, so events are lost.
/// Which loss happens depends on where the step boundaries fall, so an answer names the one it reproduces.
/// The non-streaming rendering of the same answer is unaffected (the whole text is parsed at the end).
/// </summary>
public enum MultiTokenDeltas
{
    /// <summary>One token per step: header, <c>{</c>, one fragment per parameter, <c>}</c>.</summary>
    None,

    /// <summary>The step that completes <c>&lt;function=NAME&gt;</c> also holds the next token: the header event carries <c>{</c>.</summary>
    HeaderAndBraceCollapsed,

    /// <summary>
    /// A step holding the end of the last parameter and <c>&lt;/function&gt;</c>: the close is checked before the
    /// parameter loop, so no parameter is emitted and the client assembles <c>{}</c> (field report bug 3, #56077).
    /// </summary>
    ParametersSkipped,

    /// <summary>
    /// With the #34322 IndexError patched away, the finish step's "unstreamed arguments" check appends
    /// <c>json.dumps</c> of the arguments, which the parser stored as a string: the assembled arguments are the
    /// object followed by its double-encoded copy, not JSON (PR #35421).
    /// </summary>
    DoubleEncodedArgumentsAppended,
}
