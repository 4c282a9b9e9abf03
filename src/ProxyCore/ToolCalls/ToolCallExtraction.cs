namespace OpsBot.ProxyCore.ToolCalls;

/// <summary>
/// Result of scanning assistant content for tool calls. When <see cref="Calls"/> is empty the
/// content is unchanged; otherwise <see cref="Content"/> is the remaining prose (null if none).
/// </summary>
internal sealed record ToolCallExtraction(string? Content, IReadOnlyList<ExtractedToolCall> Calls, ToolCallFormat? Format)
{
    public bool Found => Calls.Count > 0;

    public static ToolCallExtraction None(string? content) => new(content, [], null);
}
