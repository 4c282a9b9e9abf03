namespace OpsBot.ProxyCore.ToolCalls.Formats;

/// <summary>
/// Whether a tool-call format matches at a position. <see cref="NeedMore"/> only occurs while
/// streaming: the answer depends on text that has not arrived yet. <see cref="NoMatch"/> is final
/// for every continuation, which is what lets the streaming scanner release held text.
/// </summary>
internal enum MatchResult : byte
{
    NoMatch,
    Match,
    NeedMore,
}
