namespace OpsBot.ProxyCore.ToolCalls;

/// <summary>
/// End of a stream scanned by <see cref="StreamingToolCallScanner"/>: the calls found and the content
/// still to emit after everything <see cref="StreamingToolCallScanner.Feed"/> already released.
/// </summary>
internal sealed record StreamingToolCallCompletion(string RemainingContent, IReadOnlyList<ExtractedToolCall> Calls, ToolCallFormat? Format)
{
    public bool Found => Calls.Count > 0;
}
